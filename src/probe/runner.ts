import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CorpusModel, CorpusTarget } from '../corpus/corpus.js';
import type { PythonEnv } from '../env/resolve.js';
import { runPython } from '../env/run-python.js';
import { InfraError } from '../errors.js';
import { srcPath } from '../paths.js';
import { validate } from '../util/schema.js';
import { STAGES, type CrossCheckInput, type Snapshot, type StageName, type StageRecord } from './snapshot.js';

export interface ProbeJob {
  model: CorpusModel;
  target: CorpusTarget;
  /** Stages after import to run; the probe always imports TVM first. */
  stages: StageName[];
  /** The baseline's IR of this model, for the ir stage to tell printer churn from IR change. */
  crossCheck?: CrossCheckInput;
}

export interface ProbeRun {
  snapshot: Snapshot;
  /** Seconds per stage as the probe measured them; kept out of snapshots so that they stay byte-stable. */
  timings: Record<string, number>;
  wallSeconds: number;
}

export interface RunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Environment every probe process gets: deterministic, offline TVM with a HOME of its own. */
export function probeEnvironment(env: PythonEnv, home: string): Record<string, string> {
  return {
    ...env.env,
    HOME: home,
    TOPHUB_LOCATION: 'NONE',
    PYTHONHASHSEED: '0',
    PYTHONUNBUFFERED: '1',
    // TVM's thread pool on a 2-core machine shared by parallel jobs only adds contention.
    TVM_NUM_THREADS: '1',
    OMP_NUM_THREADS: '1',
  };
}

/**
 * Runs one job in its own Python process, so that a TVM crash or hang is a result of that job.
 * The probe writes its snapshot after every stage; after a crash the stage named by the last
 * "@@stage" marker on stderr is recorded as the error and the stages after it as not run.
 */
export async function runProbe(env: PythonEnv, job: ProbeJob, opts: RunOptions): Promise<ProbeRun> {
  const dir = await mkdtemp(join(tmpdir(), 'tvm-compat-probe-'));
  const started = Date.now();
  try {
    const home = join(dir, 'home');
    await mkdir(home);
    const jobFile = join(dir, 'job.json');
    const outFile = join(dir, 'snapshot.json');
    await writeFile(jobFile, JSON.stringify(job));
    let result;
    try {
      result = await runPython(env, srcPath('probe', 'probe.py'), [jobFile, outFile], {
        env: probeEnvironment(env, home),
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        cwd: dir,
        // Model files are read where the job file says they are; a container sees them at the same path.
        reads: [dirname(job.model.path)],
        writes: [dir, home],
      });
    } catch (err) {
      throw new InfraError(`${env.label}: the probe could not start: ${(err as Error).message}`, { cause: err });
    }
    if (result.startError) throw new InfraError(`${env.label}: the probe could not run: ${result.startError}`);
    const stderr = String(result.stderr ?? '');
    const timings = parseTimings(stderr);
    let snapshot = await readSnapshot(outFile);
    const clean = result.exitCode === 0 && !result.timedOut && !result.signal;
    if (!clean || !snapshot) {
      const why = result.timedOut
        ? `timed out after ${Math.round(opts.timeoutMs / 1000)} s`
        : result.signal
          ? `crashed with ${result.signal}`
          : `exited with code ${result.exitCode}`;
      snapshot = recordCrash(snapshot, job, lastStage(stderr), why, stderr);
    }
    const problem = validate('urn:tvm-compat:snapshot', snapshot);
    if (problem) throw new InfraError(`${env.label}: the probe wrote an invalid snapshot for ${job.model.id}: ${problem}`);
    return { snapshot, timings, wallSeconds: (Date.now() - started) / 1000 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readSnapshot(file: string): Promise<Snapshot | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  } catch {
    return null;
  }
}

function lastStage(stderr: string): StageName {
  const marks = [...stderr.matchAll(/^@@stage (\w+)$/gm)];
  const name = marks.at(-1)?.[1];
  return (STAGES as readonly string[]).includes(name ?? '') ? (name as StageName) : 'import';
}

function parseTimings(stderr: string): Record<string, number> {
  const line = stderr.match(/^@@timings (.*)$/m)?.[1];
  try {
    return line ? (JSON.parse(line) as Record<string, number>) : {};
  } catch {
    return {};
  }
}

/** Marks the stage that was running as failed and every later wanted stage as not run. */
function recordCrash(partial: Snapshot | null, job: ProbeJob, stage: StageName, why: string, stderr: string): Snapshot {
  const snapshot: Snapshot = partial ?? {
    schemaVersion: 1,
    probeVersion: 'unknown',
    model: { id: job.model.id, sha256: job.model.sha256, format: job.model.format },
    target: { id: job.target.id, target: job.target.target },
    era: null,
    stages: { import: { status: 'not_run', reason: 'probe did not report' } },
  };
  const tail = stderr
    .split('\n')
    .filter((l) => !l.startsWith('@@'))
    .join('\n')
    .slice(-4000);
  const crashed: StageRecord = { status: 'error', type: 'ProbeCrash', message: `probe process ${why} during ${stage}`, detail: tail };
  const order: StageName[] = ['import', ...job.stages];
  const at = order.indexOf(stage);
  const stages = snapshot.stages as Record<string, StageRecord>;
  order.forEach((name, i) => {
    if (i === at) stages[name] = crashed;
    else if (i > at) stages[name] = { status: 'not_run', reason: `${stage} did not finish` };
  });
  return snapshot;
}
