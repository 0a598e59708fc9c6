/**
 * The verdict, the exit code and every table must agree (issue 10). On every real pair of stored
 * runs (committed baselines and captured fixtures): a model whose baseline records do not all
 * survive makes the verdict breaking, however the tasks paired; and a cross-check that failed
 * leaves the serialized-IR check incomplete, never silently passed.
 */
import { describe, expect, it } from 'vitest';
import { assembleResult } from '../../src/check/assemble.js';
import { diffIr } from '../../src/ir-snapshots/diff.js';
import { baseline, compareContext, snapshot } from '../helpers/fixtures.js';

const PAIRS: [string, string][] = [
  ['v0.19.0', 'v0.19.0-conv2d-index-order'],
  ['v0.19.0-ir', 'v0.19.0-ir-onnx-relu-as-leaky-relu'],
  ['v0.19.0-ir', 'v0.19.0-ir-softmax-reciprocal'],
  ['v0.25.0', 'v0.27.0'],
  ['v0.26.0', 'v0.27.0'],
  ['v0.27.0', 'v0.27.0'],
  ['v0.19.0', 'v0.19.0'],
];

describe('verdict agreement on real pairs', () => {
  for (const [from, to] of PAIRS) {
    it(`${from} → ${to}: lost records are breaking, and only then`, () => {
      const b = baseline(from);
      const c = baseline(to);
      const r = assembleResult(b, { label: to, fingerprint: c.manifest.fingerprint, capabilities: c.manifest.capabilities, snapshots: [...c.snapshots.values()], blobs: c.blobs }, { models: c.snapshots.size, targets: ['llvm'] });
      const lost = r.models.filter((m) => (m.keys as { share?: number } | undefined)?.share !== undefined && (m.keys as { share: number }).share < 1);
      for (const m of lost) {
        const here = r.findings.filter((f) => f.model === m.model && f.severity === 'breaking');
        expect(here.length, `${m.model}: records lost, no breaking finding`).toBeGreaterThan(0);
      }
      if (lost.length) expect(r.verdict).toBe('breaking');
      if (from === to) expect(r.findings).toEqual([]);
    });
  }

  it('the ONNX Relu → leaky_relu patch: the 18 unpaired baseline tasks are breaking, not warnings', () => {
    const b = baseline('v0.19.0-ir');
    const c = baseline('v0.19.0-ir-onnx-relu-as-leaky-relu');
    const r = assembleResult(b, { label: 'x', fingerprint: c.manifest.fingerprint, capabilities: c.manifest.capabilities, snapshots: [snapshot('v0.19.0-ir-onnx-relu-as-leaky-relu', 'squeezenet')], blobs: c.blobs }, { models: 1, targets: ['llvm'] });
    const removed = r.findings.filter((f) => f.rule === 'task-removed');
    expect(removed).toHaveLength(18);
    expect(removed.every((f) => f.severity === 'breaking')).toBe(true);
    expect(r.verdict).toBe('breaking');
  });

  it('a cross-check that failed makes the JSON loads incomplete, where they had been silently absent', () => {
    // The real stored candidate run with its cross-check, as collect.py records a cross-check that
    // raised: the error, and no verdicts or loads.
    const cand = structuredClone(snapshot('v0.27.0-ir-vs-v0.25.0-ir', 'ds_cnn_s_f32').stages.ir!);
    cand.crossCheck = { baseline: 'v0.25.0-ir', functions: [], modules: [], error: 'TimeoutExpired: load_json took longer than 600 s' };
    const d = diffIr(snapshot('v0.25.0-ir', 'ds_cnn_s_f32').stages.ir!, cand, compareContext('v0.25.0-ir', 'v0.27.0-ir-vs-v0.25.0-ir', 'ds_cnn_s_f32'));
    expect(d.findings.filter((f) => f.rule === 'ir-json-no-longer-loads')).toEqual([]);
    expect(d.skipped).toContainEqual({ code: 'cross-check-failed', args: { error: 'TimeoutExpired: load_json took longer than 600 s' } });
  });
});
