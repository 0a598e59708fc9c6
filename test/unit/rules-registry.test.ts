/**
 * The rule registry is public API: every rule once, documented, and proven on a real
 * baseline/candidate pair that fires it — and silent when both sides are the same snapshot.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleResult } from '../../src/check/assemble.js';
import { comparePair } from '../../src/check/compare.js';
import { CONCERNS } from '../../src/check/concerns.js';
import { packageRoot } from '../../src/paths.js';
import { allRules } from '../../src/check/rules.js';

const RULES = allRules();
import { baseline, compareContext, snapshot } from '../helpers/fixtures.js';

const docs = resolve(packageRoot, 'docs', 'rules');

/** Real pairs: [baseline, candidate, model] from committed baselines and captured fixtures. */
const FIRES: Record<string, [string, string, string]> = {
  'task-key-changed': ['v0.19.0', 'v0.19.0-conv2d-index-order', 'squeezenet'],
  'workload-hash-changed-same-text': ['v0.25.0', 'v0.27.0', 'shufflenet'],
  'hash-keys-failed': ['v0.19.0', 'v0.19.0-conv2d-operand-swap', 'squeezenet'],
  'frontend-import-fails': ['v0.27.0', 'v0.25.0', 'squeezenet'],
  'frontend-import-fixed': ['v0.25.0', 'v0.27.0', 'squeezenet'],
  'auto-scheduler-records-unusable': ['v0.19.0', 'v0.27.0', 'squeezenet'],
  // v0.19 and 0.27 complete "llvm" with another -mtriple.
  'target-default-changed': ['v0.19.0-keys', 'v0.27.0-keys', 'squeezenet'],
  'meta-schedule-records-unusable': ['v0.27.0', 'v0.19.0', 'squeezenet'],
  'probe-failed': ['v0.27.0', 'v0.27.0-timeout-1s', 'squeezenet'],
  'ir-graph-changed': ['v0.25.0-ir', 'v0.27.0-ir', 'resnet50'],
  'ir-import-changed': ['v0.25.0-ir', 'v0.27.0-ir', 'resnet50'],
  'ir-failed': ['v0.19.0-ir', 'v0.19.0-ir-conv2d-operand-swap', 'squeezenet'],
  // Candidate runs stored with the verdicts the candidate TVM made against the baseline's IR.
  'ir-printer-only-change': ['v0.26.0-ir', 'v0.27.0-ir-vs-v0.26.0-ir', 'ds_cnn_s_f32'],
  'ir-json-no-longer-loads': ['v0.25.0-ir', 'v0.27.0-ir-vs-v0.25.0-ir', 'ds_cnn_s_f32'],
  'tir-function-changed': ['v0.19.0-ir', 'v0.19.0-ir-softmax-reciprocal', 'ds_cnn_s_f32'],
  // The v0.19 ONNX frontend patched to import Relu as leaky_relu(alpha=0): same maths, other ops.
  'ir-op-set-changed': ['v0.19.0-ir', 'v0.19.0-ir-onnx-relu-as-leaky-relu', 'squeezenet'],
  'ir-function-added': ['v0.19.0-ir', 'v0.19.0-ir-onnx-relu-as-leaky-relu', 'squeezenet'],
  'ir-function-removed': ['v0.19.0-ir', 'v0.19.0-ir-onnx-relu-as-leaky-relu', 'squeezenet'],
  'task-added': ['v0.19.0-ir', 'v0.19.0-ir-onnx-relu-as-leaky-relu', 'squeezenet'],
  'task-removed': ['v0.19.0-ir', 'v0.19.0-ir-onnx-relu-as-leaky-relu', 'squeezenet'],
  // 0.27 applied the real records 0.25 tuned (stored with what it measured).
  'tuning-database-no-longer-loads': ['v0.25.0-tuning', 'v0.27.0-tuning-vs-v0.25.0-tuning', 'ds_cnn_s_f32'],
  'tuning-records-no-longer-apply': ['v0.25.0-tuning', 'v0.27.0-tuning-vs-v0.25.0-tuning', 'ds_cnn_s_f32'],
  'tuning-records-rescuable': ['v0.25.0-tuning', 'v0.27.0-tuning-vs-v0.25.0-tuning', 'ds_cnn_s_f32'],
};

/**
 * Artifacts rules whose real firing pair is in test/fixtures/artifacts (stage records captured from
 * real releases by scripts/capture-artifact-fixtures.sh), asserted in test/unit/artifacts-diff.test.ts.
 */
const FIRES_ON_ARTIFACT_FIXTURES = new Set(['library-entry-point-missing', 'library-needs-new-runtime', 'build-outputs-changed', 'c-sources-no-longer-compile', 'c-aot-no-longer-available']);

/**
 * Rules whose real firing case needs a TVM build no fixture can hold (a source build with Vulkan):
 * asserted by the integration test named, against a committed baseline.
 */
const FIRES_IN_INTEGRATION: Record<string, string> = {
  'codegen-not-in-build': 'test/integration/v010-baseline.test.ts',
  'library-no-longer-loads': 'test/integration/v010-baseline.test.ts',
  'model-library-format-changed': 'test/integration/v010-baseline.test.ts',
  // Found by installing a release unpinned: no stored snapshot holds it.
  'dependency-range-admits-broken': 'test/integration/tuning-records.test.ts',
};

/** Rules whose real trigger has not been captured yet; each is listed in the closing note. */
const NO_REAL_PAIR_YET = new Set(['task-key-changed-same-text', 'task-weight-changed', 'artifacts-failed', 'library-run-fails', 'library-outputs-differ']);

function findingsFor(base: string, cand: string, model: string) {
  const b = baseline(base);
  const c = baseline(cand);
  const s = snapshot(cand, model);
  return assembleResult(b, { label: cand, fingerprint: c.manifest.fingerprint, capabilities: c.manifest.capabilities, snapshots: [s], blobs: c.blobs }, { models: 1, targets: ['llvm'] }).findings;
}

describe('rule registry', () => {
  it('has unique ids in kebab-case', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('has one docs page per rule and no page without a rule', () => {
    for (const r of RULES) expect(existsSync(resolve(docs, `${r.id}.md`)), `docs/rules/${r.id}.md`).toBe(true);
    const pages = readdirSync(docs).map((f) => f.replace(/\.md$/, ''));
    expect(pages.sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it('accounts for every rule: a real firing pair or an explicit gap', () => {
    for (const r of RULES) expect(r.id in FIRES || FIRES_ON_ARTIFACT_FIXTURES.has(r.id) || r.id in FIRES_IN_INTEGRATION || NO_REAL_PAIR_YET.has(r.id), r.id).toBe(true);
  });

  it('names an integration test that asserts each rule it says fires there', () => {
    for (const [rule, file] of Object.entries(FIRES_IN_INTEGRATION)) expect(readFileSync(resolve(packageRoot, file), 'utf8'), file).toContain(`'${rule}`);
  });

  for (const [rule, [base, cand, model]] of Object.entries(FIRES)) {
    it(`${rule} fires on ${base} → ${cand} (${model})`, () => {
      expect(findingsFor(base, cand, model).map((f) => f.rule)).toContain(rule);
    });
    it(`${rule}: nothing on ${cand} → ${cand} and ${base} → ${base}`, () => {
      expect(findingsFor(cand, cand, model)).toEqual([]);
      expect(findingsFor(base, base, model)).toEqual([]);
    });
  }

  it('reports nothing for any committed snapshot compared with itself', () => {
    for (const name of ['v0.10.0', 'v0.11.0', 'v0.19.0', 'v0.25.0', 'v0.26.0', 'v0.27.0']) {
      for (const s of baseline(name).snapshots.values()) {
        const cmp = comparePair(s, s, compareContext(name, name, s.model.id, s.target.id), CONCERNS);
        expect(cmp.findings, `${name} ${s.model.id}`).toEqual([]);
      }
    }
  });
});
