/**
 * Compiled artifacts compared on stage records captured from real releases by
 * scripts/capture-artifact-fixtures.sh: each release's own build and run (`<release>/<model>.json`)
 * and, per candidate release, every other release's library loaded and run in its runtime
 * (`<release>/<model>.cross.json`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffArtifacts } from '../../src/artifacts/diff.js';
import { artifactsCrossInput, storedArtifacts, type ArtifactsStage, type CrossLoad } from '../../src/artifacts/stage.js';
import { artifacts } from '../../src/artifacts/index.js';
import { ARTIFACT_RULES } from '../../src/artifacts/rules.js';
import type { CompareContext } from '../../src/concerns/types.js';
import { packageRoot } from '../../src/paths.js';

const FIX = resolve(packageRoot, 'test', 'fixtures', 'artifacts');
const RELEASES = ['v0.19', 'v0.25', 'v0.26', 'v0.27'] as const;
/** Where each model has a record: 0.25's and 0.26's TFLite frontends cannot import mobilenet_v1_025_int8 (per-channel quantized depthwise conv). */
const BUILT: Record<string, readonly string[]> = {
  ds_cnn_s_f32: RELEASES,
  mobilenet_v1_025_f32: RELEASES,
  mobilenet_v1_025_int8: ['v0.19', 'v0.27'],
};
const read = (p: string): unknown => JSON.parse(readFileSync(resolve(FIX, p), 'utf8'));

/** A release's own stage, as the probe records it in a baseline run. */
const own = (release: string, model: string): ArtifactsStage => ({ status: 'ok', ...(read(`${release}/${model}.json`) as object) });

type CrossFixture = Record<string, { cross: CrossLoad; c?: { cross: Record<string, unknown> }; relayVm?: { cross: CrossLoad } }>;

/**
 * The candidate's stage in a check against `base`: its own build, the cross-load of the baseline's
 * library in its runtime, and the reverse load (its library in the baseline's runtime: what
 * `base`'s runtime measured on `release`'s library).
 */
function candidate(release: string, base: string, model: string): ArtifactsStage {
  const cross = (read(`${release}/${model}.cross.json`) as CrossFixture)[base];
  const reverse = (read(`${base}/${model}.cross.json`) as CrossFixture)[release];
  if (!cross || !reverse) throw new Error(`no cross-load between ${base} and ${release} (${model})`);
  const stage = own(release, model);
  // The Relay VM's library both ways, where either side built one (v0.19).
  const vm = cross.relayVm || reverse.relayVm
    ? { relayVm: { ...(stage.relayVm ?? { executor: 'relay-vm' as const }), ...(cross.relayVm ? { cross: cross.relayVm.cross } : {}), ...(reverse.relayVm ? { reverse: { ...reverse.relayVm.cross, baseline: base } } : {}) } }
    : {};
  return { ...stage, cross: cross.cross, reverse: { ...reverse.cross, baseline: base }, ...(cross.c ? { c: { ...stage.c, cross: cross.c.cross as never } } : {}), ...vm };
}

const ctx = (base: string, cand: string, model: string): CompareContext => ({
  model,
  target: 'llvm',
  baseline: { name: base, label: base, tvmVersion: base, blobs: { get: () => '' } },
  candidate: { label: cand, tvmVersion: cand, blobs: { get: () => '' } },
});

const diff = (base: string, cand: string, model: string) => diffArtifacts(own(base, model), candidate(cand, base, model), ctx(base, cand, model));
const rules = (d: ReturnType<typeof diff>) => d.findings.map((f) => [f.rule, f.subject]).sort();

describe('artifacts fixtures', () => {
  it('were captured from all four releases', () => {
    for (const r of RELEASES) expect(existsSync(resolve(FIX, r, 'ds_cnn_s_f32.json')), r).toBe(true);
  });

  it('carry the blob symbol of each era, read from the .so', () => {
    expect(own('v0.19', 'ds_cnn_s_f32').library?.blobSymbols).toEqual(['__tvm_dev_mblob']);
    for (const r of ['v0.25', 'v0.26', 'v0.27']) expect(own(r, 'ds_cnn_s_f32').library?.blobSymbols).toEqual(['__tvm_ffi__library_bin']);
  });

  it('use bit-identical seeded inputs in every release', () => {
    const digests = RELEASES.map((r) => own(r, 'ds_cnn_s_f32').inputs?.map((i) => i.sha256));
    for (const d of digests) expect(d).toEqual(digests[0]);
  });

  it("mark outputs that do not depend on the input as degenerate: ds_cnn_s_f32's depend on it; mobilenet_v1_025_f32's (1/1000), mobilenet_v1_025_int8's (-128) and squeezenet's (ConstantOfShape weights) do not", () => {
    for (const r of RELEASES) expect(own(r, 'ds_cnn_s_f32').degenerate, r).toBe(false);
    for (const r of ['v0.25', 'v0.26']) expect(existsSync(resolve(FIX, r, 'mobilenet_v1_025_int8.json'))).toBe(false);
    // Seeded random weights are not enough: mobilenet_v1_025_f32's softmax is exactly 1/1000 for any input.
    for (const r of RELEASES) expect(own(r, 'mobilenet_v1_025_f32').degenerate, r).toBe(true);
    for (const r of BUILT.mobilenet_v1_025_int8 ?? []) {
      expect(own(r, 'mobilenet_v1_025_int8').degenerate, r).toBe(true);
      expect(own(r, 'mobilenet_v1_025_int8').outputs?.[0]?.summary).toEqual({ min: -128, max: -128, mean: -128, std: 0 });
    }
    // The ONNX corpus models' weights are ConstantOfShape fills: squeezenet's softmax is 0.001 everywhere.
    expect(own('v0.19', 'squeezenet').degenerate).toBe(true);
    expect(own('v0.19', 'squeezenet').outputs?.[0]?.summary).toEqual({ min: 0.001, max: 0.001, mean: 0.001, std: 0 });
  });
});

describe('diffArtifacts', () => {
  it('finds nothing between a stage and itself (and says the cross-load was not tried)', () => {
    for (const [m, releases] of Object.entries(BUILT)) {
      for (const r of releases) {
        const d = diffArtifacts(own(r, m), own(r, m), ctx(r, r, m));
        expect(d.findings, `${r} ${m}`).toEqual([]);
        // v0.19 also built the Relay VM's library: its cross-load was not tried either.
        expect(d.skipped.map((s) => [s.code, s.args.what])).toEqual([
          ['not-tried', "loading the baseline's library in the candidate runtime"],
          ...(r === 'v0.19' ? [['not-tried', "loading the baseline's Relay VM library in the candidate runtime"]] : []),
        ]);
      }
    }
  });

  it('v0.19 → 0.25/0.26/0.27: the Relay library loads as a bare library, no "default"; the AOT flow and its C are gone', () => {
    for (const cand of ['v0.25', 'v0.26', 'v0.27']) {
      const d = diff('v0.19', cand, 'ds_cnn_s_f32');
      expect(rules(d), cand).toEqual([
        ['build-outputs-changed', 'outputs'],
        ['c-aot-no-longer-available', 'c/aot'],
        ['c-sources-no-longer-compile', 'c_source_1.c'],
        ['library-entry-point-missing', 'library'],
        ['library-entry-point-missing', 'relay-vm'],
        ['library-needs-new-runtime', 'library'],
      ]);
      const f = d.findings.find((x) => x.rule === 'library-entry-point-missing' && x.subject === 'library');
      expect(f?.args).toMatchObject({ entryPoint: 'default', typeKey: 'library', blobSymbols: '__tvm_dev_mblob', runtimeReads: '__tvm_ffi__library_bin' });
      expect(d.findings.find((x) => x.rule === 'build-outputs-changed')?.args.detail).toContain('[1, 12]');
      expect(d.findings.find((x) => x.rule === 'c-sources-no-longer-compile')?.args.error).toContain('tvm/runtime/c_runtime_api.h');
      expect(d.stats.baselineOnCandidate).toBe('loads as a bare "library", no "default"');
    }
  });

  it("v0.19 builds the Relay VM too: its exported executable runs and equals the graph executor's outputs", () => {
    const vm = own('v0.19', 'ds_cnn_s_f32').relayVm;
    expect(vm).toMatchObject({ executor: 'relay-vm', library: { name: 'relay-vm.so', blobSymbols: ['__tvm_dev_mblob'] }, reference: { name: 'reference-relay-vm.npz' } });
    expect(vm?.matchesGraph).toEqual([expect.objectContaining({ within: true, maxAbs: 0 })]);
    for (const r of ['v0.25', 'v0.26', 'v0.27']) expect(own(r, 'ds_cnn_s_f32').relayVm, r).toBeUndefined();
  });

  it('v0.19 → Relax: the Relay VM library loads as a bare library with no "vm_load_executable", named as the Relay VM\'s', () => {
    for (const cand of ['v0.25', 'v0.26', 'v0.27']) {
      const d = diff('v0.19', cand, 'ds_cnn_s_f32');
      const f = d.findings.find((x) => x.rule === 'library-entry-point-missing' && x.subject === 'relay-vm');
      expect(f?.args, cand).toMatchObject({ library: 'Relay VM library', entryPoint: 'vm_load_executable', typeKey: 'library', blobSymbols: '__tvm_dev_mblob', runtimeReads: '__tvm_ffi__library_bin' });
      expect(d.stats.relayVm).toBe('base: runs, = graph executor; cand: none; base VM/cand rt: loads as a bare "library", no "vm_load_executable"; cand VM/base rt: no candidate Relay VM');
    }
  });

  it('0.25/0.26/0.27 → v0.19: the Relax library loads as a bare library, no "vm_load_executable"', () => {
    for (const base of ['v0.25', 'v0.26', 'v0.27']) {
      const d = diff(base, 'v0.19', 'ds_cnn_s_f32');
      const f = d.findings.find((x) => x.rule === 'library-entry-point-missing');
      expect(f?.args, base).toMatchObject({ entryPoint: 'vm_load_executable', blobSymbols: '__tvm_ffi__library_bin', runtimeReads: '__tvm_dev_mblob' });
    }
  });

  it('between 0.25, 0.26 and 0.27 every library runs in every runtime with max abs diff 0', () => {
    for (const [model, releases] of Object.entries(BUILT)) {
      const relax = releases.filter((r) => r !== 'v0.19');
      for (const base of relax) {
        for (const cand of relax) {
          if (base === cand) continue;
          const d = diff(base, cand, model);
          expect(d.findings, `${model} ${base} → ${cand}`).toEqual([]);
          expect(d.stats.baselineOnCandidate).toBe(
            model === 'ds_cnn_s_f32' ? 'runs, max abs 0' : 'runs, max abs 0 (outputs do not depend on the input: not evidence)',
          );
          expect(d.stats.maxAbs).toBe(0);
        }
      }
    }
  });

  it('never reports equal outputs of a degenerate model as evidence, nor different ones as a change', () => {
    const d = diff('v0.19', 'v0.27', 'mobilenet_v1_025_int8');
    expect(rules(d)).not.toContainEqual(['build-outputs-changed', 'outputs']);
    expect(rules(d)).toContainEqual(['library-entry-point-missing', 'library']);
    expect(d.stats.baselineOnBaseline).toBe('runs (outputs do not depend on the input)');
    expect(diff('v0.25', 'v0.26', 'mobilenet_v1_025_f32').stats.baselineOnCandidate).toBe(
      'runs, max abs 0 (outputs do not depend on the input: not evidence)',
    );
  });

  it("fills the fourth cell from the reverse load: between Relax releases both directions run with max abs 0", () => {
    for (const [base, cand] of [['v0.25', 'v0.27'], ['v0.27', 'v0.25'], ['v0.26', 'v0.27']] as const) {
      const d = diff(base, cand, 'ds_cnn_s_f32');
      expect(d.stats.candidateOnBaseline, `${base} → ${cand}`).toBe('runs, max abs 0');
      expect(d.findings.map((f) => f.rule)).not.toContain('library-needs-new-runtime');
    }
  });

  it("v0.19 ↔ Relax: the candidate's library is a bare library in the baseline's runtime (library-needs-new-runtime, a warning)", () => {
    const up = diff('v0.19', 'v0.27', 'ds_cnn_s_f32');
    const f = up.findings.find((x) => x.rule === 'library-needs-new-runtime');
    expect(f?.severity).toBe('warning');
    expect(f?.args.detail).toBe('loads as a bare "library" with no "vm_load_executable": it carries __tvm_ffi__library_bin, the baseline runtime reads __tvm_dev_mblob');
    expect(up.stats.candidateOnBaseline).toBe('loads as a bare "library", no "vm_load_executable"');
    const down = diff('v0.27', 'v0.19', 'ds_cnn_s_f32');
    expect(down.findings.find((x) => x.rule === 'library-needs-new-runtime')?.args.detail).toContain('no "default"');
  });

  it('says so when no baseline runtime ran, or it could not be made again', () => {
    const stage = candidate('v0.27', 'v0.25', 'ds_cnn_s_f32');
    const { reverse: _, ...noReverse } = stage;
    expect(diffArtifacts(own('v0.25', 'ds_cnn_s_f32'), noReverse, ctx('v0.25', 'v0.27', 'ds_cnn_s_f32')).stats.candidateOnBaseline).toBe('not run: no baseline runtime ran (compat diff)');
    const gone = { ...stage, reverse: { baseline: 'v0.25', executor: 'vm' as const, loads: false, runs: false, unavailable: 'the image is not here' } };
    const d = diffArtifacts(own('v0.25', 'ds_cnn_s_f32'), gone, ctx('v0.25', 'v0.27', 'ds_cnn_s_f32'));
    expect(d.stats.candidateOnBaseline).toBe('not run: the image is not here');
    expect(d.findings).toEqual([]);
    // A reverse load tvm-compat itself could not run is an incomplete comparison, never a pass.
    const failed = { ...stage, reverse: { baseline: 'v0.25', executor: 'vm' as const, loads: false, runs: false, toolError: 'probe process timed out after 1 s during artifacts' } };
    const f = diffArtifacts(own('v0.25', 'ds_cnn_s_f32'), failed, ctx('v0.25', 'v0.27', 'ds_cnn_s_f32'));
    expect(f.findings).toEqual([]);
    expect(f.skipped).toContainEqual({ code: 'cross-check-failed', args: { what: "the candidate's library on the baseline's runtime", error: 'probe process timed out after 1 s during artifacts' } });
    expect(f.stats.candidateOnBaseline).toBe('not tried: probe process timed out after 1 s during artifacts');
    // A reverse load made against another baseline says nothing about this one.
    const other = { ...stage, reverse: { ...stage.reverse!, baseline: 'v0.26', loads: false } };
    expect(diffArtifacts(own('v0.25', 'ds_cnn_s_f32'), other, ctx('v0.25', 'v0.27', 'ds_cnn_s_f32')).findings).toEqual([]);
  });
});

describe('artifacts concern', () => {
  it('hands the candidate local paths of the baseline library, reference and C sources, by sha256', () => {
    const base = own('v0.19', 'ds_cnn_s_f32');
    const input = artifactsCrossInput(base, { name: 'v0.19.0', tvmVersion: '0.19.0' }, { path: (f) => `/store/${f.sha256}` });
    const sha = (name: string) => base.files?.find((f) => f.name === name)?.sha256;
    expect(input).toEqual({
      baseline: 'v0.19.0',
      tvmVersion: '0.19.0',
      executor: 'graph',
      library: `/store/${sha('lib.so')}`,
      reference: `/store/${sha('reference.npz')}`,
      c: { sources: [`/store/${sha('c_source_0.c')}`, `/store/${sha('c_source_1.c')}`] },
      relayVm: { executor: 'relay-vm', library: `/store/${sha('relay-vm.so')}`, reference: `/store/${sha('reference-relay-vm.npz')}` },
    });
  });

  it('has nothing to hand over when the baseline kept digests only', () => {
    const base = own('v0.27', 'ds_cnn_s_f32');
    const digestsOnly = { ...base, files: base.files?.filter((f) => f.name !== 'lib.so') };
    expect(artifactsCrossInput(digestsOnly, { name: 'v0.27.0', tvmVersion: '0.27.0' }, { path: (f) => f.sha256 })).toBeUndefined();
  });

  it('lists each of its rules once, each with a docs page', () => {
    const ids = ARTIFACT_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(existsSync(resolve(packageRoot, 'docs', 'rules', `${id}.md`)), id).toBe(true);
    expect(artifacts.rules).toBe(ARTIFACT_RULES);
    expect(artifacts.failedRule.id).toBe('artifacts-failed');
  });
});

describe('what a stored baseline keeps of a library', () => {
  const ci = { ci: ['mobilenet_v1_025_f32'] };

  it('keeps the library whose outputs depend on the input, and that of a ci-subset model', () => {
    const dsCnn = own('v0.27', 'ds_cnn_s_f32');
    expect(storedArtifacts(dsCnn, 'ds_cnn_s_f32', {})).toBe(dsCnn);
    const mobilenet = own('v0.27', 'mobilenet_v1_025_f32');
    expect(storedArtifacts(mobilenet, 'mobilenet_v1_025_f32', ci)).toBe(mobilenet);
  });

  it("keeps only the digest of a degenerate model's library outside the ci subset, and drops its reference arrays", () => {
    const mobilenet = own('v0.27', 'mobilenet_v1_025_f32');
    const lib = mobilenet.files?.find((f) => f.name === 'lib.so');
    const kept = storedArtifacts(mobilenet, 'mobilenet_v1_025_f32', { ci: [] });
    expect(kept.library).toMatchObject({ stored: false, sha256: lib?.sha256, bytes: lib?.bytes });
    expect(kept.library?.reason).toContain('do not depend on the input');
    expect(kept.files?.map((f) => f.name)).toEqual([]);
    expect(artifactsCrossInput(kept, { name: 'v0.27.0', tvmVersion: '0.27.0' }, { path: (f) => f.sha256 })).toBeUndefined();
    expect(diffArtifacts(kept, own('v0.27', 'mobilenet_v1_025_f32'), ctx('v0.27', 'v0.27', 'mobilenet_v1_025_f32')).skipped.map((x) => x.code)).toEqual(['not-stored']);
  });

  it("keeps the Relay VM library by the same policy: a degenerate v0.19 model outside the ci subset keeps both digests, no file", () => {
    const mobilenet = own('v0.19', 'mobilenet_v1_025_f32');
    const vmLib = mobilenet.files?.find((f) => f.name === 'relay-vm.so');
    expect(vmLib?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const kept = storedArtifacts(mobilenet, 'mobilenet_v1_025_f32', { ci: [] });
    expect(kept.relayVm?.library).toMatchObject({ stored: false, sha256: vmLib?.sha256, bytes: vmLib?.bytes });
    expect(kept.files?.map((f) => f.name).filter((n) => n.startsWith('lib') || n.includes('relay-vm'))).toEqual([]);
    const d = diffArtifacts(kept, own('v0.19', 'mobilenet_v1_025_f32'), ctx('v0.19', 'v0.19', 'mobilenet_v1_025_f32'));
    expect(d.skipped.map((x) => [x.code, x.args.what])).toEqual([
      ['not-stored', "the baseline's library"],
      ['not-stored', "the baseline's Relay VM library"],
    ]);
    const dsCnn = own('v0.19', 'ds_cnn_s_f32');
    const input = artifactsCrossInput(dsCnn, { name: 'v0.19.0', tvmVersion: '0.19.0' }, { path: (f) => `/files/${f.sha256}/${f.name}` });
    expect(input?.relayVm).toEqual({ executor: 'relay-vm', library: expect.stringMatching(/relay-vm\.so$/), reference: expect.stringMatching(/reference-relay-vm\.npz$/) });
  });
});

describe('a library kept as its digest (over the 16 MB cap)', () => {
  // The real record of the committed v0.10.0 baseline: resnet50's library is 102.5 MB.
  const snap = JSON.parse(readFileSync(resolve(packageRoot, 'baselines', 'v0.10.0', 'snapshots', 'resnet50.llvm.json'), 'utf8')) as { stages: { artifacts: ArtifactsStage } };
  const base = snap.stages.artifacts;

  it('has its size, digest and reason, and neither lib.so nor the reference arrays among the stored files', () => {
    expect(base.library).toMatchObject({ stored: false, bytes: 102452656, reason: '102.5 MB, over the 16 MB cap on stored libraries' });
    expect(base.library?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(base.files ?? []).toEqual([]);
    expect(base.outputs?.[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the candidate nothing to load, and a check says why it was not compared', () => {
    expect(artifactsCrossInput(base, { name: 'v0.10.0', tvmVersion: '0.10.0' }, { path: () => '/nowhere' })).toBeUndefined();
    const d = diffArtifacts(base, { ...base }, ctx('v0.10.0', 'v0.19.0', 'resnet50'));
    expect(d.findings).toEqual([]);
    expect(d.skipped).toEqual([{ code: 'not-stored', args: { what: "the baseline's library", reason: 'kept as its digest only: 102.5 MB, over the 16 MB cap on stored libraries' } }]);
  });
});
