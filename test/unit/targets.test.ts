/** Per-target comparison on real snapshots of every corpus target (scripts/capture-fixtures.sh: v0.19, 0.26 and 0.27 wheels, ds_cnn_s_f32). */
import { describe, expect, it } from 'vitest';
import { assembleResult } from '../../src/check/assemble.js';
import { comparePair } from '../../src/check/compare.js';
import { CONCERNS } from '../../src/check/concerns.js';
import type { ArtifactsStage } from '../../src/artifacts/stage.js';
import { baseline, compareContext } from '../helpers/fixtures.js';

const TARGETS = ['llvm', 'cuda', 'vulkan', 'c'];

function check(base: string, cand: string) {
  const c = baseline(cand);
  return assembleResult(baseline(base), { label: cand, fingerprint: c.manifest.fingerprint, capabilities: c.manifest.capabilities, snapshots: [...c.snapshots.values()], blobs: c.blobs }, { models: 1, targets: TARGETS });
}

describe('targets', () => {
  for (const name of ['v0.19.0-targets', 'v0.26.0-targets', 'v0.27.0-targets']) {
    it(`${name}: silent against itself on every target`, () => {
      const b = baseline(name);
      expect([...b.snapshots.values()].map((s) => s.target.id).sort()).toEqual([...TARGETS].sort());
      for (const s of b.snapshots.values()) expect(comparePair(s, s, compareContext(name, name, s.model.id, s.target.id), CONCERNS).findings, s.target.id).toEqual([]);
      // Stored against stored: nothing is cross-loaded, so the only gaps are the libraries not tried.
      const r = check(name, name);
      expect(r.findings).toEqual([]);
      expect(new Set(r.skipped.filter((s) => s.code !== 'not-available').map((s) => s.code))).toEqual(new Set(['not-tried']));
    });
  }

  it('v0.19 against itself: keys compared on llvm, cuda and vulkan; no cuda/vulkan codegen in the wheel, shown as not available', () => {
    const r = check('v0.19.0-targets', 'v0.19.0-targets');
    const cells = Object.fromEntries(r.targets.rows.map((row) => [row.target, row.cells]));
    expect(r.targets.rows.map((row) => row.target)).toEqual(TARGETS);
    expect(cells.cuda!['hash-keys']).toBe('compared 1');
    expect(cells.vulkan!['hash-keys']).toBe('compared 1');
    expect(cells.c!['hash-keys']).toBe('not collected on this target');
    expect(cells.vulkan!.artifacts).toBe('not available 1 (candidate: not available in this build: no vulkan codegen (target.build.vulkan is not registered))');
    expect(cells.llvm!.artifacts).toBe('compared 1');
    expect(cells.c!.artifacts).toBe('compared 1');
    // Shown under Not compared, never as passed, and not counted as incomplete: the baseline has nothing there either.
    expect(r.skipped.filter((s) => s.code === 'not-available').map((s) => s.target).sort()).toEqual(['cuda', 'vulkan']);
    expect(r.skipped.filter((s) => s.code !== 'not-available' && s.code !== 'not-tried')).toEqual([]);
  });

  it('v0.19 → 0.27 on target c: the AOT + CRT flow is gone, the Relax build of target c runs', () => {
    const r = check('v0.19.0-targets', 'v0.27.0-targets');
    expect(r.findings.filter((f) => f.target === 'c').map((f) => f.rule)).toEqual(['c-aot-no-longer-available']);
    const c = r.models.find((m) => m.target === 'c') as unknown as { artifacts: { candidateOnCandidate: string; baselineOnBaseline: string } };
    expect(c.artifacts.baselineOnBaseline).toBe('no library (C flow only)');
    expect(c.artifacts.candidateOnCandidate).toBe('runs');
  });

  it('0.27 against itself: IR compared on llvm, cuda and vulkan; the cuda library built, not run, kept as digests', () => {
    const r = check('v0.27.0-targets', 'v0.27.0-targets');
    const cells = Object.fromEntries(r.targets.rows.map((row) => [row.target, row.cells]));
    for (const t of ['llvm', 'cuda', 'vulkan']) expect(cells[t]!['ir-snapshots'], t).toBe('compared 1');
    expect(cells.c!['ir-snapshots']).toBe('not collected on this target');
    expect(cells.cuda!.artifacts).toBe('built, not run 1 (no cuda device on this machine)');
    const cuda = baseline('v0.27.0-targets').snapshots.get('ds_cnn_s_f32/cuda')!.stages.artifacts as ArtifactsStage;
    // No reference outputs: nothing a check could run it against, so the library is its digest.
    expect(cuda.library).toMatchObject({ stored: false, reason: expect.stringMatching(/^built where it could not run \(no cuda device on this machine\)/) });
    expect(cuda.files ?? []).toEqual([]);
    expect(cuda.kernels).toMatchObject({ format: 'cuda', kernels: 14 });
    const row = r.models.find((m) => m.target === 'cuda') as unknown as { artifacts: Record<string, string> };
    expect(row.artifacts.candidateOnCandidate).toBe('built, not run: no cuda device on this machine; 14 cuda kernels (0.24 MB of source, the same source as the other side)');
    expect(row.artifacts.baselineOnCandidate).toBe('not run: no cuda device on this machine');
    expect(r.skipped.filter((s) => s.target === 'cuda').map((s) => s.code)).toEqual(['not-available']);
  });

  it('0.26 → 0.27 on cuda: the scheduled PrimFuncs compared with 0.27\'s parser, the kernels\' source told apart', () => {
    const r = check('v0.26.0-targets', 'v0.27.0-targets');
    const cells = Object.fromEntries(r.targets.rows.map((row) => [row.target, row.cells]));
    expect(cells.cuda!['ir-snapshots']).toBe('compared 1');
    const ir = r.models.find((m) => m.target === 'cuda') as unknown as { ir: { compared: number }; artifacts: Record<string, string> };
    expect(ir.ir.compared).toBe(7);
    expect(ir.artifacts.candidateOnCandidate).toMatch(/^built, not run: no cuda device on this machine; 14 cuda kernels \([\d.]+ MB of source, source (differs from|the same as) the other side\)$/);
  });
});
