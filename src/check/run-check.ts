import { baselineManifest } from '../baseline/create.js';
import { readBaseline, resolveBaselineName, snapshotKey, writeBaseline } from '../baseline/store.js';
import { crossCheckInput } from '../ir-snapshots/cross-input.js';
import { assembleResult, notComparable } from './assemble.js';
import { collectSnapshots, planJobs, stagesFor, type ProgressEvent } from './collect.js';
import { checkInputs, prepareCorpus, prepareEnv, type CorpusOptions } from './prepare.js';
import type { CheckResult } from './types.js';

export interface CheckOptions extends CorpusOptions {
  /** Baseline name or version, e.g. "v0.25". */
  against: string;
  baselinesDir: string;
  /** Candidate environment spec; the newest release when absent. */
  tvm?: string;
  jobs: number;
  timeoutMs: number;
  cacheDir?: string;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Also store the candidate's run as a baseline (with its printer-or-IR verdicts) under this name. */
  saveCandidateAs?: string;
}

/** Runs the candidate on the corpus and diffs it against a stored baseline. */
export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  checkInputs(opts.tvm, opts);
  const name = resolveBaselineName(opts.baselinesDir, opts.against);
  const baseline = readBaseline(opts.baselinesDir, name);
  const onMessage = (text: string) => opts.onProgress?.({ kind: 'message', text });
  onMessage(`baseline ${name}: TVM ${baseline.manifest.fingerprint.tvmVersion}, ${baseline.snapshots.size} snapshots`);
  const { env, info, specText } = await prepareEnv(opts.tvm, { cacheDir: opts.cacheDir, onMessage });
  const corpus = await prepareCorpus(opts, env);
  // Only what the baseline can be compared with is run; the rest is listed as not compared.
  const jobs = planJobs(corpus, stagesFor(opts)).map((job) => ({ job, reason: notComparable(baseline, job.model.id, job.target.id, job.model.sha256) }));
  const comparable = jobs
    .filter((j) => !j.reason)
    .map(({ job }) => {
      // With --ir the candidate also gets the baseline's IR, to tell printer churn from IR change.
      const base = job.stages.includes('ir') ? baseline.snapshots.get(snapshotKey(job.model.id, job.target.id)) : undefined;
      const crossCheck = base ? crossCheckInput(base, baseline.blobs, { name, tvmVersion: baseline.manifest.fingerprint.tvmVersion }) : undefined;
      return crossCheck ? { ...job, crossCheck } : job;
    });
  const runs = await collectSnapshots(env, comparable, { jobs: opts.jobs, timeoutMs: opts.timeoutMs, onProgress: opts.onProgress, signal: opts.signal });
  if (opts.saveCandidateAs) {
    const snapshots = runs.map((r) => r.snapshot);
    const dir = writeBaseline(opts.baselinesDir, baselineManifest(opts.saveCandidateAs, env, specText, info, corpus, snapshots), snapshots);
    onMessage(`candidate run stored as baseline ${opts.saveCandidateAs} in ${dir}`);
  }
  const notRun = jobs.flatMap(({ job, reason }) => (reason ? [{ model: job.model.id, target: job.target.id, check: 'all', reason }] : []));
  return assembleResult(
    baseline,
    { label: env.label, fingerprint: info.fingerprint, capabilities: info.capabilities, snapshots: runs.map((r) => r.snapshot) },
    { models: corpus.models.length, targets: corpus.targets.map((t) => t.id) },
    notRun,
  );
}

/** Diffs two stored baselines: no TVM runs, the same report. */
export function diffBaselines(baselinesDir: string, from: string, to: string): CheckResult {
  const base = readBaseline(baselinesDir, resolveBaselineName(baselinesDir, from));
  const cand = readBaseline(baselinesDir, resolveBaselineName(baselinesDir, to));
  const ids = new Set([...cand.snapshots.values()].map((s) => s.model.id));
  return assembleResult(
    base,
    { label: cand.manifest.name, fingerprint: cand.manifest.fingerprint, capabilities: cand.manifest.capabilities, snapshots: [...cand.snapshots.values()], blobs: cand.blobs },
    { models: ids.size, targets: cand.manifest.corpus.targets.map((t) => t.id) },
  );
}
