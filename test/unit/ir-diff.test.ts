/** IR snapshots (--ir) compared on real captured runs (scripts/capture-fixtures.sh). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffIr } from '../../src/ir-snapshots/diff.js';
import { baseline, snapshot } from '../helpers/fixtures.js';

const ctx = { model: 'm', target: 'llvm', baselineLabel: 'a', candidateLabel: 'b' };
const ir = (name: string, model: string) => snapshot(name, model).stages.ir ?? { status: 'ok' as const };
const blobs = (a: string, b: string) => ({ baseline: baseline(a).blobs, candidate: baseline(b).blobs });

describe('diffIr', () => {
  it('finds nothing between a snapshot and itself, reading texts from the content-addressed blobs', () => {
    const d = diffIr(ir('v0.27.0-ir', 'resnet50'), ir('v0.27.0-ir', 'resnet50'), blobs('v0.27.0-ir', 'v0.27.0-ir'), ctx);
    expect(d.findings).toEqual([]);
    expect(d.stats).toMatchObject({ changed: 0, added: 0, removed: 0 });
    expect(d.stats.compared).toBeGreaterThan(78);
  });

  it('0.25 → 0.27 on resnet50: only the Relax main prints differently, every PrimFunc is identical', () => {
    const d = diffIr(ir('v0.25.0-ir', 'resnet50'), ir('v0.27.0-ir', 'resnet50'), blobs('v0.25.0-ir', 'v0.27.0-ir'), ctx);
    expect(d.findings.map((f) => [f.rule, f.subject])).toEqual([
      ['ir-import-changed', 'main'],
      ['ir-graph-changed', 'main'],
    ]);
    expect(d.stats).toMatchObject({ compared: 80, changed: 2 });
    const graph = d.findings[1]?.evidence?.diff;
    expect(graph).toMatch(/^-.*metadata\["relax\.expr\.Constant"\]/m);
    expect(graph).toMatch(/^\+.*metadata\["ir\.GenericConst"\]/m);
  });

  it('v0.19 index-order TOPI patch: 18 keys moved, yet the 30 lowered PrimFuncs are identical', () => {
    const d = diffIr(ir('v0.19.0-ir', 'squeezenet'), ir('v0.19.0-ir-conv2d-index-order', 'squeezenet'), blobs('v0.19.0-ir', 'v0.19.0-ir-conv2d-index-order'), ctx);
    expect(d.findings).toEqual([]);
    expect(d.stats).toMatchObject({ compared: 32, changed: 0 });
  });

  it('does not call functions of a phase that failed removed', () => {
    const d = diffIr(ir('v0.19.0-ir', 'squeezenet'), ir('v0.19.0-ir-conv2d-operand-swap', 'squeezenet'), blobs('v0.19.0-ir', 'v0.19.0-ir-conv2d-operand-swap'), ctx);
    expect(d.findings).toEqual([]);
    expect(d.stats.removed).toBe(0);
  });

  it('stores texts outside the snapshots, one gzip blob per distinct text', () => {
    const b = baseline('v0.25.0-ir');
    const irs = [...b.snapshots.values()].map((s) => s.stages.ir);
    const fns = irs.flatMap((x) => x?.functions ?? []);
    expect(fns.every((f) => f.textSha && f.text === undefined)).toBe(true);
    const shas = new Set([...fns.map((f) => f.textSha), ...irs.flatMap((x) => x?.modules ?? []).map((m) => m.jsonSha)].filter(Boolean));
    expect(readdirSync(join(b.dir, 'blobs')).sort()).toEqual([...shas].map((s) => `${s}.gz`).sort());
  });
});
