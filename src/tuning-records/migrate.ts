/**
 * `compat records migrate`: the baseline's real tuning records re-attached to the target release's
 * own tasks (src/tuning-records/migrate.py does the work inside that TVM), written as a database
 * that release opens, and each migrated record proven by a real build that applies it.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BaselineFiles } from '../baseline/files.js';
import { readBaseline, resolveBaselineName, snapshotKey } from '../baseline/store.js';
import { checkBaselineFor, pairJobs, planJobs } from '../check/plan.js';
import { checkInputs, openProbes, prepareCorpus, prepareEnv, runJobs, type CorpusOptions, type ProgressEvent } from '../check/prepare.js';
import { forBaseline } from '../check/run-check.js';
import { cacheRoot } from '../env/resolve.js';
import { InfraError, UsageError } from '../errors.js';
import { toJson } from '../util/fs.js';
import type { Migration, TuningStage } from './concern.js';

export interface MigrateOptions extends CorpusOptions {
  /** The stored baseline whose records are migrated (a name or a version). */
  from: string;
  baselinesDir: string;
  /** The release the records are migrated into; the newest release when absent. */
  tvm?: string;
  /** A folder that does not exist yet: written whole, or not at all. */
  outDir: string;
  jobs: number;
  timeoutMs: number;
  cacheDir?: string;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface ModelMigration {
  model: string;
  target: string;
  kind?: string;
  /** Valid records the baseline stored for this model. */
  stored: number;
  migrated: number;
  proven: number;
  /** Why nothing could be migrated (the stage failed, the era has no such tuner). */
  error?: string;
  cause?: string;
  /** true, or why the proving build failed. */
  built?: boolean | string;
  records: Migration[];
  /** The migrated database, relative to the output folder. */
  files: string[];
}

export interface MigrateResult {
  baseline: string;
  baselineTvm: string;
  candidate: string;
  candidateTvm: string;
  outDir: string;
  models: ModelMigration[];
  stored: number;
  migrated: number;
  proven: number;
}

const withRecords = (s: TuningStage | undefined): boolean => s?.status === 'ok' && s.mode === 'tune' && (s.records ?? 0) > 0;

export async function runMigrate(opts: MigrateOptions): Promise<MigrateResult> {
  checkInputs(opts.tvm, opts);
  const outDir = resolve(opts.outDir);
  if (existsSync(outDir)) throw new UsageError(`${outDir}: the output folder exists; records migrate writes a new one`);
  const name = resolveBaselineName(opts.baselinesDir, opts.from);
  const baseline = readBaseline(opts.baselinesDir, name);
  const tuned = [...baseline.snapshots.values()].filter((s) => withRecords(s.stages.tuning as TuningStage | undefined));
  if (!tuned.length) throw new UsageError(`${join(baseline.dir, 'manifest.json')}: baseline ${name} stores no tuning records (made without --tuning)`);
  const onMessage = (text: string) => opts.onProgress?.({ kind: 'message', text });
  const { env } = await prepareEnv(opts.tvm, { cacheDir: opts.cacheDir, onMessage });
  const corpus = forBaseline(await prepareCorpus(opts, env), baseline, opts.targets);
  checkBaselineFor(baseline, corpus);
  const { concerns, jobs } = planJobs(corpus, { mode: 'migrate', ir: false, artifacts: false, tuning: true });
  const stageFiles = join(opts.cacheDir ?? cacheRoot(), 'stage-files');
  mkdirSync(stageFiles, { recursive: true });
  const tunedKeys = new Set(tuned.map((s) => snapshotKey(s.model.id, s.target.id)));
  const { runnable } = pairJobs(
    jobs.filter((j) => tunedKeys.has(snapshotKey(j.model.id, j.target.id))),
    concerns,
    baseline,
    new BaselineFiles(baseline, stageFiles),
  );
  if (!runnable.length) throw new UsageError(`baseline ${name} has tuning records for ${[...tunedKeys].join(', ')}, none of them in this selection`);
  const { pool, info } = await openProbes(env, corpus, concerns, { workers: opts.jobs, jobs: runnable.length, signal: opts.signal, onMessage, reads: [stageFiles] });
  const partial = join(dirname(outDir), `.${basename(outDir)}.partial-${process.pid}`);
  try {
    if (!info.fingerprint.tvmVersion) throw new InfraError(`${env.label}: TVM does not import, nothing can be migrated`);
    const runs = await runJobs(pool, runnable, { timeoutMs: opts.timeoutMs, jobs: opts.jobs, onProgress: opts.onProgress });
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    const models = runs.map((run): ModelMigration => {
      const { model, target } = run.snapshot;
      const stage = run.snapshot.stages.tuning as TuningStage | undefined;
      const base = baseline.snapshots.get(snapshotKey(model.id, target.id))!.stages.tuning as TuningStage;
      const out: ModelMigration = { model: model.id, target: target.id, kind: base.kind, stored: base.records ?? 0, migrated: 0, proven: 0, records: [], files: [] };
      if (stage?.status !== 'ok' || stage.mode !== 'migrate') {
        const why = stage?.status === 'ok' ? `the stage ran as ${stage.mode ?? 'nothing'}` : (stage?.message ?? stage?.reason ?? `stage ${stage?.status ?? 'missing'}`);
        return { ...out, error: String(why) };
      }
      const sub = `${model.id}.${target.id}`;
      for (const f of stage.files ?? []) {
        mkdirSync(join(partial, sub), { recursive: true });
        copyFileSync(join(run.filesDir, f.name), join(partial, sub, f.name));
        out.files.push(`${sub}/${f.name}`);
      }
      return { ...out, migrated: stage.migrated ?? 0, proven: stage.proven ?? 0, cause: stage.cause, built: stage.built, records: stage.migrations ?? [] };
    });
    const result: MigrateResult = {
      baseline: name,
      baselineTvm: baseline.manifest.fingerprint.tvmVersion,
      candidate: env.label,
      candidateTvm: info.fingerprint.tvmVersion,
      outDir,
      models,
      stored: models.reduce((n, m) => n + m.stored, 0),
      migrated: models.reduce((n, m) => n + m.migrated, 0),
      proven: models.reduce((n, m) => n + m.proven, 0),
    };
    writeFileSync(join(partial, 'migration.json'), toJson(result));
    renameSync(partial, outDir);
    return result;
  } finally {
    rmSync(partial, { recursive: true, force: true });
    await pool.close();
  }
}
