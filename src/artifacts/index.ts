import type { Concern } from '../concerns/types.js';
import { diffArtifacts } from './diff.js';
import { artifactsCrossInput, storedArtifacts, type ArtifactsStage } from './stage.js';
import { ARTIFACT_RULES, artifactsFailed } from './rules.js';

const text = (v: unknown): string => (v === undefined ? '' : String(v));

/** Compiled libraries: does the baseline's library load, run and compute the same in the candidate runtime? */
export const artifacts: Concern<ArtifactsStage> = {
  id: 'artifacts',
  stage: 'artifacts',
  noun: 'compiled library',
  collector: 'artifacts/collect.py',
  needs: ['frontend'],
  wanted: (run) => run.artifacts,
  failedRule: artifactsFailed,
  crossInput: (base, baseline, files) => artifactsCrossInput(base, baseline, files),
  diff: (base, cand, ctx) => diffArtifacts(base, cand, ctx),
  store: storedArtifacts,
  table: {
    resultKey: 'artifacts',
    title: {
      text: 'Compiled libraries: compiler (baseline, candidate) x runtime (baseline, candidate)',
      markdown: 'Compiled libraries (compiler × runtime)',
    },
    columns: [
      { key: 'baselineOnBaseline', title: 'base lib/base rt', markdown: 'baseline lib × baseline runtime', format: text },
      { key: 'candidateOnCandidate', title: 'cand lib/cand rt', markdown: 'candidate lib × candidate runtime', format: text },
      { key: 'baselineOnCandidate', title: 'base lib/cand rt', markdown: 'baseline lib × candidate runtime', format: text },
      { key: 'candidateOnBaseline', title: 'cand lib/base rt', markdown: 'candidate lib × baseline runtime', format: text },
      { key: 'c', title: 'C/AOT', markdown: 'C/AOT sources compiling (baseline → candidate)', format: text },
      { key: 'relayVm', title: 'Relay VM', markdown: 'Relay VM library (own runs; baseline × candidate runtime, both ways)', format: text, optional: true },
    ],
  },
  rules: ARTIFACT_RULES,
};
