import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BaselineFiles } from '../baseline/files.js';
import { readBaseline, resolveBaselineName, withBaselineLock, writeBaseline, type Baseline } from '../baseline/store.js';
import type { Corpus } from '../corpus/corpus.js';
import { UsageError } from '../errors.js';
import { skip, type Skipped } from '../concerns/skips.js';
import { cacheRoot } from '../env/resolve.js';
import type { RunWants } from '../concerns/types.js';
import { addTarget, addTo } from './add-to-baseline.js';
import { forStorage } from './concerns.js';
import { assembleResult } from './assemble.js';
import { baselineManifest } from './manifest.js';
import { checkBaselineFor, pairJobs, planJobs } from './plan.js';
import { attachReverse, reverseLoads } from './reverse-loads.js';
import { checkInputs, openProbes, runFiles, prepareCorpus, prepareEnv, runJobs, type CorpusOptions, type ProgressEvent } from './prepare.js';
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
  /** With saveCandidateAs: add the run to that stored baseline (same environment) instead of replacing it. */
  add?: boolean;
}

/**
 * What a run does. Tuning is opt-in for a baseline (it measures for minutes); a check applies the
 * baseline's records whenever the baseline has some, unless --no-tuning.
 */
export const checkWants = (opts: CorpusOptions, mode: RunWants['mode'], baseline?: Baseline): RunWants => ({
  mode,
  ir: opts.ir !== false,
  artifacts: opts.artifacts === true,
  tuning: opts.tuning ?? (baseline !== undefined && hasTuningRecords(baseline)),
});

const hasTuningRecords = (baseline: Baseline): boolean =>
  [...baseline.snapshots.values()].some((s) => {
    const t = s.stages.tuning as { status: string; mode?: string; records?: number } | undefined;
    return t?.status === 'ok' && t.mode === 'tune' && (t.records ?? 0) > 0;
  });

/**
 * A baseline made without --tuning holds no records to apply, so whether users' records survive
 * is not measured: the report says so (a limit of that baseline, not an incomplete comparison of
 * what it holds), rather than staying silent as if it had been checked.
 */
function recordsNotStored(baseline: Baseline, wants: RunWants, opts: CorpusOptions): Skipped[] {
  if (wants.tuning || opts.tuning === false) return [];
  const reason = `baseline ${baseline.manifest.name} was made without --tuning: whether tuning records still apply was not measured (use a baseline made with --tuning)`;
  return [{ model: '*', target: '*', check: 'tuning-records', ...skip('not-stored', { what: 'the tuning stage', reason }) }];
}

/** Runs the candidate on the corpus and diffs it against a stored baseline. */
export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  checkInputs(opts.tvm, opts);
  const name = resolveBaselineName(opts.baselinesDir, opts.against);
  const baseline = readBaseline(opts.baselinesDir, name);
  const onMessage = (text: string) => opts.onProgress?.({ kind: 'message', text });
  onMessage(`baseline ${name}: TVM ${baseline.manifest.fingerprint.tvmVersion}, ${baseline.snapshots.size} snapshots`);
  const { env, specText } = await prepareEnv(opts.tvm, { cacheDir: opts.cacheDir, onMessage });
  const corpus = forBaseline(await prepareCorpus(opts, env), baseline, opts.targets);
  const wants = checkWants(opts, 'check', baseline);
  const runSkips = [...checkBaselineFor(baseline, corpus), ...recordsNotStored(baseline, wants, opts)];
  const { concerns, jobs } = planJobs(corpus, wants);
  // Only what the baseline can be compared with is run; the rest is listed as not compared.
  // The baseline's files (libraries, references) are unpacked here, which a container candidate must see.
  const stageFiles = join(opts.cacheDir ?? cacheRoot(), 'stage-files');
  mkdirSync(stageFiles, { recursive: true });
  const { runnable, notRun } = pairJobs(jobs, concerns, baseline, new BaselineFiles(baseline, stageFiles));
  const { pool, info } = await openProbes(env, corpus, concerns, { workers: opts.jobs, jobs: runnable.length, signal: opts.signal, onMessage, reads: [stageFiles] });
  try {
    if (opts.add && !opts.saveCandidateAs) throw new UsageError('--add goes with --save-candidate-as NAME: the stored baseline the run is added to');
    // Refused before anything runs: the baseline the run is added to must be this environment's.
    const into = opts.add && opts.saveCandidateAs ? addTarget(opts, opts.saveCandidateAs, info) : null;
    const runs = await runJobs(pool, runnable, { timeoutMs: opts.timeoutMs, jobs: opts.jobs, onProgress: opts.onProgress });
    if (wants.artifacts) {
      // The other direction: the baseline's runtime loads the candidate's libraries (while this pool's files live).
      const reverse = await reverseLoads(baseline, env.label, runs, corpus, { cacheDir: opts.cacheDir, jobs: opts.jobs, timeoutMs: opts.timeoutMs, signal: opts.signal, onProgress: opts.onProgress });
      attachReverse(runs, reverse, name);
      if ('unavailable' in reverse) {
        onMessage(`candidate libraries on the baseline's runtime: not run: ${reverse.unavailable}`);
        runSkips.push({ model: '*', target: '*', check: 'artifacts', ...skip('not-available', { what: "the candidate's libraries on the baseline's runtime", reason: reverse.unavailable, side: 'baseline' }) });
      }
    }
    const snapshots = runs.map((r) => r.snapshot);
    if (opts.saveCandidateAs) {
      const name = opts.saveCandidateAs;
      const dir = await withBaselineLock(opts.baselinesDir, name, async () => {
        const kept = forStorage(snapshots, corpus.subsets);
        const merged = into ? addTo(opts, readBaseline(opts.baselinesDir, name), kept) : null;
        const all = merged ? merged.snapshots : kept;
        return writeBaseline(opts.baselinesDir, baselineManifest(name, env, specText, info, merged ? merged.corpus : corpus, all), all, runFiles(runs), merged?.baseline);
      });
      onMessage(`candidate run stored as baseline ${name} in ${dir}`);
    }
    return assembleResult(
      baseline,
      { label: env.label, fingerprint: info.fingerprint, capabilities: info.capabilities, snapshots },
      { models: corpus.models.length, targets: corpus.targets.map((t) => t.id), notRun: corpus.notRun },
      [...runSkips, ...notRun.map((s) => ({ ...s, check: 'all' }))],
    );
  } finally {
    await pool.close();
  }
}

/**
 * A check runs the baseline's targets unless --target says otherwise: what a baseline was made
 * for is what it can be checked on. The corpus targets it lacks are named in the report.
 */
export function forBaseline(corpus: Corpus, baseline: Baseline, asked: string[] | undefined): Corpus & { notRun: { target: string; reason: string }[] } {
  const has = new Set(baseline.manifest.corpus.targets.map((t) => t.id));
  if (asked?.length) return { ...corpus, notRun: [] };
  const targets = corpus.targets.filter((t) => has.has(t.id));
  if (!targets.length) {
    throw new UsageError(`baseline ${baseline.manifest.name} has none of the corpus's targets (${corpus.targets.map((t) => t.id).join(', ')}); it has ${[...has].join(', ')}`);
  }
  const notRun = corpus.targets.filter((t) => !has.has(t.id)).map((t) => ({ target: t.id, reason: `baseline ${baseline.manifest.name} was made without it` }));
  return { ...corpus, targets, notRun };
}

/** Diffs two stored baselines: no TVM runs, the same report. */
export function diffBaselines(baselinesDir: string, from: string, to: string): CheckResult {
  const base = readBaseline(baselinesDir, resolveBaselineName(baselinesDir, from));
  const cand = readBaseline(baselinesDir, resolveBaselineName(baselinesDir, to));
  // Only the probe version is checked here: a stored manifest keeps no model inputs, so the corpus
  // is compared by digest, where both ran the same models and targets.
  checkBaselineFor(base, { models: [], targets: [] }, cand.manifest.probeVersion);
  const same = (a: { id: string }[], b: { id: string }[]) => JSON.stringify(a.map((x) => x.id).sort()) === JSON.stringify(b.map((x) => x.id).sort());
  const { corpus: bc } = base.manifest;
  const { corpus: cc } = cand.manifest;
  const runSkips: Skipped[] =
    same(bc.models, cc.models) && same(bc.targets, cc.targets) && bc.digest !== cc.digest
      ? [{ model: '*', target: '*', check: 'all', ...skip('corpus-differs', { baseline: base.manifest.name, was: bc.digest, now: cc.digest }) }]
      : [];
  const ids = new Set([...cand.snapshots.values()].map((s) => s.model.id));
  const candTargets = new Set(cc.targets.map((t) => t.id));
  const notRun = bc.targets.filter((t) => !candTargets.has(t.id)).map((t) => ({ target: t.id, reason: `${cand.manifest.name} was made without it` }));
  return assembleResult(
    base,
    { label: cand.manifest.name, fingerprint: cand.manifest.fingerprint, capabilities: cand.manifest.capabilities, snapshots: [...cand.snapshots.values()], blobs: cand.blobs },
    { models: ids.size, targets: cc.targets.filter((t) => bc.targets.some((b) => b.id === t.id)).map((t) => t.id), notRun },
    runSkips,
  );
}
