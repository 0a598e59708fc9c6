/**
 * IR snapshots (--ir) compared on real captured runs (scripts/capture-fixtures.sh): plain release
 * baselines, and candidate runs stored with the verdicts their TVM made against a baseline's IR.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffIr } from '../../src/ir-snapshots/diff.js';
import { baseline, compareContext, snapshot } from '../helpers/fixtures.js';

const ir = (name: string, model: string) => snapshot(name, model).stages.ir ?? { status: 'ok' as const };
const diff = (base: string, cand: string, model: string) =>
  diffIr(ir(base, model), ir(cand, model), compareContext(base, cand, model));
const rules = (d: ReturnType<typeof diff>) => d.findings.map((f) => [f.rule, f.subject, f.args.decision ?? f.args.names ?? f.args.error]);

describe('diffIr', () => {
  it('finds nothing between a snapshot and itself, reading texts from the content-addressed blobs', () => {
    const d = diff('v0.27.0-ir', 'v0.27.0-ir', 'resnet50');
    expect(d.findings).toEqual([]);
    expect(d.stats).toMatchObject({ changed: 0, added: 0, removed: 0 });
    expect(d.stats.compared).toBeGreaterThan(78);
  });

  it('0.26 → 0.27: main prints metadata["ir.GenericConst"] for metadata["relax.expr.Constant"]; 0.27 parses 0.26\'s text into the same IR: printer churn', () => {
    const d = diff('v0.26.0-ir', 'v0.27.0-ir-vs-v0.26.0-ir', 'ds_cnn_s_f32');
    expect(rules(d)).toEqual([
      ['ir-printer-only-change', 'import', 'main'],
      ['ir-printer-only-change', 'optimized', 'main'],
    ]);
    expect(d.stats).toMatchObject({ compared: 9, changed: 2, printerOnly: 2, irChanged: 0, undecided: 0 });
    expect(d.findings[0]?.evidence?.diff).toMatch(/^\+.*metadata\["ir\.GenericConst"\]/m);
    // 0.26 cannot save_json (it segfaults with apache-tvm-ffi 0.1.15.post2): the load is skipped, and says so.
    expect(d.stats.jsonLoad).toEqual({ import: 'skipped', optimized: 'skipped' });
    expect(d.skipped.map((s) => s.code)).toEqual(['not-stored', 'not-stored']);
    expect(d.skipped.map((s) => s.args.reason).join('\n')).toMatch(/signal 11/);
  });

  it('0.25 → 0.27: the 0.25 JSON no longer loads, out_dtype="void" became None (an IR change), out_sinfo= no longer parses (undecided)', () => {
    const d = diff('v0.25.0-ir', 'v0.27.0-ir-vs-v0.25.0-ir', 'ds_cnn_s_f32');
    expect(rules(d)).toEqual([
      ['ir-json-no-longer-loads', 'import', expect.stringMatching(/Required field `name` not set in type `ir.Var`/)],
      ['ir-json-no-longer-loads', 'optimized', expect.stringMatching(/died of signal 11/)],
      ['ir-import-changed', 'main', expect.stringMatching(/^an IR change: .*well-formedness check off/)],
      ['ir-graph-changed', 'main', expect.stringMatching(/^printer or IR not decided: .*unexpected keyword argument 'out_sinfo'/)],
    ]);
    expect(d.stats).toMatchObject({ changed: 2, printerOnly: 0, irChanged: 1, undecided: 1, jsonLoad: { import: 'fails', optimized: 'fails' } });
  });

  it('ignores verdicts the candidate made against another baseline', () => {
    const d = diff('v0.25.0-ir', 'v0.27.0-ir-vs-v0.26.0-ir', 'ds_cnn_s_f32');
    expect(d.stats).toMatchObject({ changed: 2, printerOnly: 0, irChanged: 0, undecided: 2, jsonLoad: {} });
    expect(d.findings.every((f) => String(f.args.decision).includes('no candidate TVM checked'))).toBe(true);
  });

  it('v0.19 softmax patch (divide → multiply by the reciprocal): one PrimFunc changed, and it is an IR change; the v0.19 JSON loads and equals', () => {
    const d = diff('v0.19.0-ir', 'v0.19.0-ir-softmax-reciprocal', 'ds_cnn_s_f32');
    expect(rules(d)).toEqual([['tir-function-changed', 'tvmgen_default_fused_nn_softmax', expect.stringMatching(/^an IR change/)]]);
    expect(d.findings[0]?.evidence?.diff).toMatch(/^\+.*\* \(T\.float32\(1(\.0)?\) \/ T_softmax_expsum/m);
    expect(d.stats.jsonLoad).toEqual({ import: 'equal', optimized: 'equal' });
    // squeezenet's JSON (weights inline) is over the cap: not stored, so its load is skipped with the reason.
    const big = diff('v0.19.0-ir', 'v0.19.0-ir-softmax-reciprocal', 'squeezenet');
    expect(big.stats).toMatchObject({ irChanged: 1, jsonLoad: { import: 'skipped', optimized: 'skipped' } });
    expect(big.skipped.map((s) => s.args.reason).join('\n')).toMatch(/over the 4 MB cap/);
  });

  it('v0.19 ONNX frontend importing Relu as leaky_relu(alpha=0): the op set, and the 18 fused conv2d PrimFuncs, are replaced', () => {
    const d = diff('v0.19.0-ir', 'v0.19.0-ir-onnx-relu-as-leaky-relu', 'squeezenet');
    const ops = d.findings.find((f) => f.rule === 'ir-op-set-changed');
    expect(ops?.args).toEqual({ added: 'nn.leaky_relu', removed: 'nn.relu' });
    expect(d.stats).toMatchObject({ added: 18, removed: 18 });
    const added = d.findings.filter((f) => f.rule === 'ir-function-added').map((f) => f.subject);
    expect(added.every((n) => /^tvmgen_default_fused_nn_contrib_conv2d_NCHWc_add_nn_leaky_relu(_\d+)?$/.test(n))).toBe(true);
    // Relay text with meta[relay.Constant] references does not parse back, not even the candidate's
    // own (the control): the main graph stays undecided rather than guessed.
    expect(d.findings.filter((f) => f.rule === 'ir-graph-changed').map((f) => f.args.decision)).toEqual([
      expect.stringMatching(/^printer or IR not decided: .*the candidate's own text does not parse back/),
    ]);
  });

  it('v0.19 index-order TOPI patch: 18 keys moved, yet the 30 lowered PrimFuncs are identical', () => {
    const d = diff('v0.19.0-ir', 'v0.19.0-ir-conv2d-index-order', 'squeezenet');
    expect(d.findings).toEqual([]);
    expect(d.stats).toMatchObject({ compared: 32, changed: 0 });
  });

  it('does not call functions of a phase that failed removed', () => {
    const d = diff('v0.19.0-ir', 'v0.19.0-ir-conv2d-operand-swap', 'squeezenet');
    expect(d.findings).toEqual([]);
    expect(d.stats.removed).toBe(0);
    // ...and says that the phase, and any after it, was not compared (the failure is ir-failed, found by the loop).
    expect(d.skipped).toEqual([{ code: 'phase-failed', args: { phase: 'lowered', failed: 'lowered' } }]);
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
