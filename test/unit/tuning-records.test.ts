/**
 * The tuning-records diff on stage records captured from real releases (scripts/capture-fixtures.sh):
 * what the candidate measured when it applied the baseline's real records decides the figure.
 */
import { describe, expect, it } from 'vitest';
import { tuningDiff, type TuningStage } from '../../src/tuning-records/concern.js';
import { renderMigration, migrateExit } from '../../src/commands/records.js';
import { snapshot } from '../helpers/fixtures.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import type { MigrateResult } from '../../src/tuning-records/migrate.js';

const stage = (name: string, model = 'ds_cnn_s_f32') => snapshot(name, model).stages.tuning as TuningStage;
const at = (baseline: string) => ({ model: 'ds_cnn_s_f32', target: 'llvm', baseline: { name: baseline } });

describe('tuning records diff', () => {
  it('same release: every stored record was applied, nothing to report', () => {
    const base = stage('v0.27.0-tuning');
    expect(base.mode).toBe('tune');
    expect(base.records).toBeGreaterThan(0);
    const d = tuningDiff(base, stage('v0.27.0-tuning-vs-v0.27.0-tuning'), at('v0.27.0-tuning'));
    expect(d.findings).toEqual([]);
    expect(d.stats).toMatchObject({ stored: base.records, applied: base.records, share: 1 });
  });

  it("0.27 on 0.25's database: it does not load, so none applies, with the loader's error as the cause", () => {
    const base = stage('v0.25.0-tuning');
    const cand = stage('v0.27.0-tuning-vs-v0.25.0-tuning');
    const d = tuningDiff(base, cand, at('v0.25.0-tuning'));
    expect(d.stats).toMatchObject({ stored: base.records, applied: 0, share: 0 });
    expect(d.findings.map((f) => f.rule).sort()).toEqual(['tuning-database-no-longer-loads', 'tuning-records-no-longer-apply', 'tuning-records-rescuable']);
    const lost = d.findings.find((f) => f.rule === 'tuning-records-no-longer-apply');
    expect(String(lost?.args.cause)).toBe(`the database no longer loads: ${cand.load?.message}`);
  });

  it('says nothing when the baseline side tuned nothing (a stored candidate run against itself)', () => {
    const applied = stage('v0.27.0-tuning-vs-v0.25.0-tuning');
    expect(tuningDiff(applied, applied, at('v0.27.0-tuning-vs-v0.25.0-tuning'))).toEqual({ findings: [], skipped: [] });
  });

  it('says the records were not tried, never compared, where nothing applied them (compat diff of two stored runs)', () => {
    const base = stage('v0.25.0-tuning');
    const own = tuningDiff(base, stage('v0.27.0-tuning'), at('v0.25.0-tuning'));
    expect(own.findings).toEqual([]);
    expect(own.stats).toBeUndefined();
    expect(own.skipped).toEqual([{ code: 'not-tried', args: { what: `applying the baseline's ${base.records} tuning records`, reason: 'no candidate TVM ran' } }]);
    // 0.27's stored run applied v0.25.0-tuning's records; against another baseline they say nothing.
    const other = tuningDiff(stage('v0.26.0-tuning'), { ...stage('v0.27.0-tuning-vs-v0.25.0-tuning'), baseline: 'v0.25.0-tuning' }, at('v0.26.0-tuning'));
    expect(other.skipped.map((x) => x.args.reason)).toEqual(["the stored candidate run applied baseline v0.25.0-tuning's"]);
  });
});

describe('records migrate report', () => {
  // A real run (scripts/capture-fixtures.sh): 0.25's records of two models migrated into 0.27.
  const real = (): MigrateResult => JSON.parse(readFileSync(resolve(packageRoot, 'test/fixtures/tuning-records/v0.25.0-tuning-to-v0.27.migration.json'), 'utf8')) as MigrateResult;

  it('exits 0 when every stored record was proven by a build that applied it, and says so', () => {
    const r = real();
    expect(r.stored).toBe(8);
    expect(migrateExit(r)).toBe(0);
    expect(renderMigration(r)).toContain('8 of 8 records rescued (100.0%), each applied by a real build');
  });

  it('exits 1 when a migrated record was not applied by the proving build, 4 when a model could not be migrated', () => {
    const unproven = real();
    unproven.models[0]!.records[0]!.proven = false;
    unproven.models[0]!.proven -= 1;
    unproven.proven -= 1;
    expect(migrateExit(unproven)).toBe(1);
    expect(renderMigration(unproven)).toContain('1 migrated but not applied by the build');
    const failed = real();
    failed.models[1]!.error = 'stage error';
    expect(migrateExit(failed)).toBe(4);
  });
});
