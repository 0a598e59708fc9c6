import { DEFAULT_CORPUS, loadCorpus, selectModels, type Corpus } from '../corpus/corpus.js';
import { checkModelPaths, corpusFromPaths } from '../corpus/from-paths.js';
import { inspectEnv, type EnvInfo } from '../env/fingerprint.js';
import { newestRelease } from '../env/releases.js';
import { resolveEnv, type PythonEnv } from '../env/resolve.js';
import { parseEnvSpec } from '../env/spec.js';
import { UsageError } from '../errors.js';

export interface CorpusOptions {
  /** A corpus.json; the embedded corpus when absent. */
  corpus?: string;
  /** Model files to use instead of a corpus (inputs are read from the files). */
  models?: string[];
  /** A subset named in the corpus file, e.g. "ci". */
  subset?: string;
  /** Model ids to keep. */
  only?: string[];
  /** Also collect IR snapshots (Relay/Relax/TIR per phase). */
  ir?: boolean;
}

export interface EnvOptions {
  cacheDir?: string;
  onMessage?: (text: string) => void;
}

/** Input errors that need no TVM: the spec parses, model files exist. Run before provisioning. */
export function checkInputs(spec: string | undefined, corpus: CorpusOptions): void {
  if (spec) parseEnvSpec(spec);
  if (corpus.models?.length) checkModelPaths(corpus.models);
}

/** Resolves, provisions and fingerprints an environment; no spec means the newest release. */
export async function prepareEnv(spec: string | undefined, opts: EnvOptions): Promise<{ env: PythonEnv; info: EnvInfo; specText: string }> {
  const specText = spec ?? `v${newestRelease().version}`;
  const env = await resolveEnv(parseEnvSpec(specText), { cacheDir: opts.cacheDir, onProgress: opts.onMessage });
  opts.onMessage?.(`${env.label}: inspecting`);
  const info = await inspectEnv(env);
  opts.onMessage?.(`${env.label}: TVM ${info.fingerprint.tvmVersion} (${info.fingerprint.gitCommit?.slice(0, 8) ?? 'no commit recorded'})`);
  return { env, info, specText };
}

export async function prepareCorpus(opts: CorpusOptions, env: PythonEnv): Promise<Corpus> {
  if (opts.models?.length && opts.corpus) throw new UsageError('--model and --corpus cannot be combined');
  if (opts.models?.length) {
    if (opts.subset) throw new UsageError('--subset needs a corpus file, not --model');
    return selectModels(await corpusFromPaths(opts.models, env), { only: opts.only });
  }
  const corpus = selectModels(loadCorpus(opts.corpus ?? DEFAULT_CORPUS), { subset: opts.subset, only: opts.only });
  if (!corpus.models.length) throw new UsageError('the selection leaves no model to run');
  return corpus;
}
