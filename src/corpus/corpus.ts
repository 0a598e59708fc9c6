import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { validate } from '../util/schema.js';
import { sha256, sha256File } from '../util/fs.js';

export interface ModelInput {
  name: string;
  shape: number[];
  dtype: string;
}

export interface CorpusModel {
  id: string;
  format: 'onnx' | 'tflite';
  /** Absolute path of the model file. */
  path: string;
  sha256: string;
  inputs: ModelInput[];
  source?: string;
  license?: string;
}

export type TargetKind = 'llvm' | 'cuda' | 'vulkan' | 'c';

export interface CorpusTarget {
  id: string;
  /** llvm: host CPU; cuda, vulkan: GPU (keys and kernels made on the host); c: microTVM (C + AOT + CRT). */
  kind: TargetKind;
  /** The TVM target string, e.g. "cuda -arch=sm_80" (the probe passes its dict form to TVMs that no longer parse strings). */
  target: string;
  /** auto_scheduler.HardwareParams, every field pinned (GPU targets): extraction then needs no device. */
  hardwareParams?: Record<string, number>;
  note?: string;
}

export interface Corpus {
  /** The corpus.json it was read from; null for models given by --model. */
  file: string | null;
  models: CorpusModel[];
  targets: CorpusTarget[];
  subsets: Record<string, string[]>;
}

export const DEFAULT_CORPUS = resolve(packageRoot, 'corpus', 'corpus.json');

/** The embedded corpus's targets: what models given by --model are run for. */
export function embeddedTargets(): CorpusTarget[] {
  return (JSON.parse(readFileSync(DEFAULT_CORPUS, 'utf8')) as CorpusFile).targets;
}

interface CorpusFile {
  targets: CorpusTarget[];
  subsets?: Record<string, string[]>;
  models: (Omit<CorpusModel, 'path'> & { file: string })[];
}

/** Reads and validates a corpus file; model paths resolve relative to it and every sha256 is checked. */
export function loadCorpus(file: string = DEFAULT_CORPUS): Corpus {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: cannot read corpus: ${(err as Error).message}`);
  }
  const problem = validate('urn:tvm-compat:corpus', data);
  if (problem) throw new InputError(`${file}: invalid corpus: ${problem}`);
  const raw = data as CorpusFile;
  const base = dirname(resolve(file));
  const seen = new Set<string>();
  const models = raw.models.map(({ file: rel, ...m }) => {
    if (seen.has(m.id)) throw new InputError(`${file}: model id "${m.id}" appears twice`);
    seen.add(m.id);
    const path = resolve(base, rel);
    let actual: string;
    try {
      actual = sha256File(path);
    } catch {
      throw new InputError(`${file}: model "${m.id}": file ${path} cannot be read`);
    }
    if (actual !== m.sha256) {
      throw new InputError(`${file}: model "${m.id}": sha256 of ${path} is ${actual}, the corpus says ${m.sha256}`);
    }
    return { ...m, path };
  });
  const subsets = raw.subsets ?? {};
  for (const [name, ids] of Object.entries(subsets)) {
    const unknown = ids.find((id) => !seen.has(id));
    if (unknown) throw new InputError(`${file}: subset "${name}" names unknown model "${unknown}"`);
  }
  return { file: resolve(file), models: sortById(models), targets: raw.targets, subsets };
}

export interface Selection {
  /** A subset named in the corpus file. */
  subset?: string;
  /** Model ids to keep. */
  only?: string[];
  /** Target ids to keep. */
  targets?: string[];
}

export function selectModels(corpus: Corpus, sel: Selection): Corpus {
  let ids: Set<string> | null = null;
  if (sel.subset) {
    const list = corpus.subsets[sel.subset];
    if (!list) {
      const known = Object.keys(corpus.subsets).join(', ') || 'none';
      throw new UsageError(`unknown subset "${sel.subset}" (the corpus has: ${known})`);
    }
    ids = new Set(list);
  }
  if (sel.only?.length) {
    const unknown = sel.only.find((id) => !corpus.models.some((m) => m.id === id));
    if (unknown) throw new UsageError(`unknown model "${unknown}" (the corpus has: ${corpus.models.map((m) => m.id).join(', ')})`);
    const only = new Set(sel.only);
    ids = ids ? new Set([...ids].filter((id) => only.has(id))) : only;
  }
  let targets = corpus.targets;
  if (sel.targets?.length) {
    const unknown = sel.targets.find((id) => !corpus.targets.some((t) => t.id === id));
    if (unknown) throw new UsageError(`unknown target "${unknown}" (the corpus has: ${corpus.targets.map((t) => t.id).join(', ')})`);
    targets = corpus.targets.filter((t) => sel.targets!.includes(t.id));
  }
  if (!ids) return { ...corpus, targets };
  const keep = ids;
  return { ...corpus, targets, models: corpus.models.filter((m) => keep.has(m.id)) };
}

/** Identifies what a baseline was made from: models (by content) and targets. */
export function corpusDigest(corpus: Pick<Corpus, 'models' | 'targets'>): string {
  const canonical = JSON.stringify({
    models: sortById(corpus.models).map((m) => [m.id, m.format, m.sha256, m.inputs]),
    // Hardware params only where given, so that an llvm-only corpus keeps the digest it always had.
    targets: sortById(corpus.targets).map((t) => (t.hardwareParams ? [t.id, t.target, t.hardwareParams] : [t.id, t.target])),
  });
  return sha256(canonical);
}

export function sortById<T extends { id: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
