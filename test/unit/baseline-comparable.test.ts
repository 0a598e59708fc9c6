/** Whether a candidate run can be compared with a stored baseline, from the real committed manifests and corpus. */
import { describe, expect, it } from 'vitest';
import { baselineMismatches } from '../../src/baseline/comparable.js';
import { DEFAULT_BASELINES, readBaseline } from '../../src/baseline/store.js';
import { loadCorpus, selectModels } from '../../src/corpus/corpus.js';
import { FIXTURE_BASELINES } from '../helpers/fixtures.js';

// The committed v0.27.0 baseline was made for every corpus target; the v0.27.0-ir fixture for llvm only.
const corpus = loadCorpus();
const manifest = readBaseline(DEFAULT_BASELINES, 'v0.27.0').manifest;
const llvmOnly = readBaseline(FIXTURE_BASELINES, 'v0.27.0-ir').manifest;

describe('baselineMismatches', () => {
  it('finds nothing for the corpus and probe the baseline was made with, whole or a subset', () => {
    expect(baselineMismatches(manifest, { probeVersion: manifest.probeVersion, corpus })).toEqual([]);
    expect(baselineMismatches(manifest, { probeVersion: manifest.probeVersion, corpus: selectModels(corpus, { subset: 'ci' }) })).toEqual([]);
  });

  it("names every corpus target the baseline was made without", () => {
    const models = selectModels(corpus, { only: llvmOnly.corpus.models.map((m) => m.id) });
    expect(baselineMismatches(llvmOnly, { probeVersion: llvmOnly.probeVersion, corpus: models }).map((m) => m.args.target)).toEqual(['c', 'cuda', 'vulkan']);
  });

  it('reports a probe version that differs: the baseline must be re-created', () => {
    expect(baselineMismatches(manifest, { probeVersion: '3', corpus })).toEqual([{ code: 'probe-version-differs', args: { baseline: '2', candidate: '3' } }]);
  });

  it('reports a model whose file changed, a model and a target the baseline lacks, and a target string that changed', () => {
    const [first, ...rest] = corpus.models;
    const changed = {
      models: [{ ...first!, sha256: '0'.repeat(64) }, ...rest, { ...first!, id: 'my_model' }],
      targets: [{ ...corpus.targets[0]!, target: 'llvm -mcpu=skylake' }, { id: 'arm', kind: 'llvm' as const, target: 'llvm -mtriple=aarch64-linux-gnu' }],
    };
    expect(baselineMismatches(manifest, { probeVersion: manifest.probeVersion, corpus: changed })).toEqual([
      { code: 'model-sha256-differs', args: { model: first!.id, baseline: first!.sha256, candidate: '0'.repeat(64) } },
      { code: 'model-not-in-baseline', args: { model: 'my_model' } },
      { code: 'target-not-in-baseline', args: { target: 'arm' } },
      { code: 'target-differs', args: { target: 'llvm', baseline: 'llvm', candidate: 'llvm -mcpu=skylake' } },
    ]);
  });

  it('reports changed inputs through the corpus digest when the model set is the same', () => {
    const [first, ...rest] = corpus.models;
    const inputs = first!.inputs.map((i) => ({ ...i, shape: i.shape.map((d, k) => (k === 0 ? d + 1 : d)) }));
    const r = baselineMismatches(manifest, { probeVersion: manifest.probeVersion, corpus: { models: [{ ...first!, inputs }, ...rest], targets: corpus.targets } });
    expect(r.map((m) => m.code)).toEqual(['corpus-digest-differs']);
    expect(r[0]?.args.baseline).toBe(manifest.corpus.digest);
  });
});
