import type { CorpusModel, CorpusTarget } from '../corpus/corpus.js';
import type { StageName } from './snapshot.js';

export interface JobStage {
  name: StageName;
  /** The stage's collector, relative to src/. */
  collector: string;
  needs: StageName[];
}

export interface ProbeJob {
  model: CorpusModel;
  target: CorpusTarget;
  stages: JobStage[];
  /** Per stage, what the candidate's probe gets from the baseline (the baseline's IR, libraries …). */
  cross?: Partial<Record<StageName, unknown>>;
  /** Per stage, what the run asks of it (how much to tune); absent for a stage that takes nothing. */
  settings?: Partial<Record<StageName, unknown>>;
}
