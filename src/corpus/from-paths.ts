import { basename, dirname, resolve } from 'node:path';
import { lastMeaningfulLine } from '../env/installer-output.js';
import type { PythonEnv } from '../env/resolve.js';
import { runPython } from '../env/run-python.js';
import { InfraError, InputError } from '../errors.js';
import { srcPath } from '../paths.js';
import { sha256File } from '../util/fs.js';
import { embeddedTargets, sortById, type Corpus, type ModelInput } from './corpus.js';

interface Inspected {
  path: string;
  format: 'onnx' | 'tflite';
  inputs?: ModelInput[];
  error?: string;
}

/** Model files must exist and be ONNX or TFLite; checked before any environment is built. */
export function checkModelPaths(paths: string[]): string[] {
  return paths.map((p) => {
    const f = resolve(p);
    if (!/\.(onnx|tflite)$/.test(f)) throw new InputError(`${f}: a model must be an .onnx or .tflite file`);
    try {
      sha256File(f);
    } catch {
      throw new InputError(`${f}: model file cannot be read`);
    }
    return f;
  });
}

/** A corpus made of model files given on the command line; inputs are read from the models in `env`. */
export async function corpusFromPaths(paths: string[], env: PythonEnv): Promise<Corpus> {
  const files = checkModelPaths(paths);
  const result = await runPython(env, srcPath('corpus', 'inspect_model.py'), files, {
    env: { ...env.env },
    timeoutMs: 120_000,
    reads: [...new Set(files.map((f) => dirname(f)))],
  });
  if (result.exitCode !== 0 || result.startError) {
    const why = result.startError ?? (result.timedOut ? 'timed out' : (lastMeaningfulLine(result.stderr) ?? `exit ${result.exitCode ?? result.signal}`));
    throw new InfraError(`${env.label}: could not read model inputs: ${why}`);
  }
  const stdout = result.stdout;
  const inspected = JSON.parse(stdout) as Inspected[];
  const ids = new Set<string>();
  const models = inspected.map((m) => {
    if (m.error || !m.inputs) throw new InputError(`${m.path}: cannot read the model's inputs: ${m.error ?? 'no inputs'}`);
    let id = basename(m.path).replace(/\.(onnx|tflite)$/, '').toLowerCase().replace(/[^a-z0-9_.-]/g, '_');
    while (ids.has(id)) id = `${id}_`;
    ids.add(id);
    return { id, format: m.format, path: m.path, sha256: sha256File(m.path), inputs: m.inputs };
  });
  return { file: null, models: sortById(models), targets: embeddedTargets(), subsets: {} };
}
