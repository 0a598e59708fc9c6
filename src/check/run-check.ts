import { readBaseline, resolveBaselineName, snapshotKey, type Manifest } from '../baseline/store.js';
import type { Capabilities, EnvInfo } from '../env/fingerprint.js';
import type { Snapshot, TuningSystem } from '../probe/snapshot.js';
import { SEVERITIES, type Finding, type Severity } from '../rules/types.js';
import { TOOL } from '../version.js';
import { collectSnapshots, planJobs, type ProgressEvent } from './collect.js';
import { compareSnapshots, tuningSystemFinding } from './compare.js';
import { sortFindings } from './finding.js';
import { prepareCorpus, prepareEnv, type CorpusOptions } from './prepare.js';
import type { CheckResult, EnvSummary, ModelResult, PreExisting, Skipped } from './types.js';

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
}

/** The tuning system an environment's tasks are matched by, from what it can import. */
export function tuningSystemOf(c: Pick<Capabilities, 'relay' | 'autoScheduler' | 'metaSchedule'>): TuningSystem | null {
  if (c.relay && c.autoScheduler) return 'auto_scheduler';
  return c.metaSchedule ? 'meta_schedule' : null;
}

export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  const name = resolveBaselineName(opts.baselinesDir, opts.against);
  const baseline = readBaseline(opts.baselinesDir, name);
  const onMessage = (text: string) => opts.onProgress?.({ kind: 'message', text });
  onMessage(`baseline ${name}: TVM ${baseline.manifest.fingerprint.tvmVersion}, ${baseline.snapshots.size} snapshots`);
  const { env, info } = await prepareEnv(opts.tvm, { cacheDir: opts.cacheDir, onMessage });
  const corpus = await prepareCorpus(opts, env);

  const skipped: Skipped[] = [];
  const jobs = planJobs(corpus).filter((job) => {
    const base = baseline.snapshots.get(snapshotKey(job.model.id, job.target.id));
    const where = { model: job.model.id, target: job.target.id, check: 'all' };
    if (!base) skipped.push({ ...where, reason: `not in baseline ${name}` });
    else if (base.model.sha256 !== job.model.sha256) skipped.push({ ...where, reason: `model file differs from the one baseline ${name} was made from` });
    else return true;
    return false;
  });
  const runs = await collectSnapshots(env, jobs, { jobs: opts.jobs, timeoutMs: opts.timeoutMs, onProgress: opts.onProgress, signal: opts.signal });

  const findings: Finding[] = [];
  const preExisting: PreExisting[] = [];
  const models: ModelResult[] = [];
  let orphaned = 0;
  let orphanedModels = 0;
  for (const { snapshot } of runs) {
    const base = baseline.snapshots.get(snapshotKey(snapshot.model.id, snapshot.target.id)) as Snapshot;
    const cmp = compareSnapshots(base, snapshot, { baseline: name, candidate: env.label });
    findings.push(...cmp.findings);
    preExisting.push(...cmp.preExisting);
    skipped.push(...cmp.skipped);
    models.push(cmp.model);
    orphaned += cmp.orphanedTasks;
    if (cmp.orphanedTasks) orphanedModels += 1;
  }
  const baseSystem = tuningSystemOf(baseline.manifest.capabilities);
  const candSystem = tuningSystemOf(info.capabilities);
  if (baseSystem) {
    const era = tuningSystemFinding(baseSystem, candSystem, orphaned, orphanedModels);
    if (era) findings.push(era);
  }

  const sorted = sortFindings(findings);
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, sorted.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  return {
    tool: { ...TOOL },
    baseline: { name, ...summarise(baseline.manifest.env.label, baseline.manifest.fingerprint, baseline.manifest.capabilities) },
    candidate: summarise(env.label, info.fingerprint, info.capabilities),
    corpus: { models: corpus.models.length, targets: corpus.targets.map((t) => t.id) },
    findings: sorted,
    preExisting: preExisting.sort((a, b) => `${a.model}/${a.target}/${a.stage}`.localeCompare(`${b.model}/${b.target}/${b.stage}`)),
    skipped: skipped.sort((a, b) => `${a.model}/${a.target}/${a.check}`.localeCompare(`${b.model}/${b.target}/${b.check}`)),
    models: models.sort((a, b) => `${a.model}/${a.target}`.localeCompare(`${b.model}/${b.target}`)),
    summary,
  };
}

function summarise(label: string, fp: Manifest['fingerprint'] | EnvInfo['fingerprint'], caps: Capabilities): EnvSummary {
  const system = tuningSystemOf(caps);
  return { label, tvmVersion: fp.tvmVersion, gitCommit: fp.gitCommit ?? null, era: system === 'auto_scheduler' ? 'relay' : caps.relax ? 'relax' : null };
}
