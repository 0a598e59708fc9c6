import type { ProgressEvent } from '../check/prepare.js';
import { EXIT_CODES } from '../errors.js';
import { runMigrate, type MigrateResult } from '../tuning-records/migrate.js';
import type { CommonFlags } from './flags.js';

export interface MigrateFlags extends CommonFlags {
  from: string;
  tvm?: string;
  out: string;
}

/**
 * 0: every stored record migrated and proven by a build that applied it; 1: some records were not
 * rescued (or not proven), each with its reason; 4: a model could not be migrated at all (its stage
 * failed), so the figure is incomplete.
 */
export function migrateExit(r: MigrateResult): number {
  if (r.models.some((m) => m.error !== undefined)) return EXIT_CODES.incomplete;
  return r.proven === r.stored ? EXIT_CODES.clean : EXIT_CODES.breaking;
}

export async function recordsMigrate(flags: MigrateFlags, onProgress: (e: ProgressEvent) => void, signal?: AbortSignal): Promise<{ text: string; exitCode: number }> {
  const result = await runMigrate({ ...flags, outDir: flags.out, onProgress, signal });
  return { text: renderMigration(result), exitCode: migrateExit(result) };
}

const pct = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)}%` : '-');

export function renderMigration(r: MigrateResult): string {
  const lines = [`records of baseline ${r.baseline} (TVM ${r.baselineTvm}) migrated into ${r.candidate} (TVM ${r.candidateTvm})`, ''];
  const width = Math.max(5, ...r.models.map((m) => `${m.model}/${m.target}`.length));
  lines.push(`  ${'model'.padEnd(width)}  stored  migrated  proven   share  note`);
  for (const m of r.models) {
    const failures = [...new Set(m.records.filter((x) => x.status !== 'migrated').map((x) => x.reason ?? 'no reason given'))];
    const unproven = m.records.filter((x) => x.status === 'migrated' && !x.proven).length;
    const note = [
      m.error ? `not migrated: ${m.error}` : '',
      m.cause ?? '',
      typeof m.built === 'string' ? `the proving build failed: ${m.built}` : '',
      unproven ? `${unproven} migrated but not applied by the build` : '',
      ...failures,
    ].filter(Boolean).join('; ');
    lines.push(`  ${`${m.model}/${m.target}`.padEnd(width)}  ${String(m.stored).padStart(6)}  ${String(m.migrated).padStart(8)}  ${String(m.proven).padStart(6)}  ${pct(m.proven, m.stored).padStart(6)}  ${note}`);
  }
  lines.push('', `${r.proven} of ${r.stored} records rescued (${pct(r.proven, r.stored)}), each applied by a real build; database per model under ${r.outDir} (migration.json lists every record)`);
  return `${lines.join('\n')}\n`;
}
