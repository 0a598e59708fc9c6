/**
 * Comparisons that could not be made, as data ({code, args}); the words are in
 * src/report/skips.ts. Each code says whether it leaves something of the baseline unverified: one
 * such skip makes the verdict INCOMPLETE (exit 4), never COMPATIBLE. The rest are limits of what a
 * baseline holds by design, or nothing to compare because the baseline itself had nothing.
 */
export const SKIP_CODES = {
  /** The model is not in the baseline at all (a --model file, a new corpus entry). */
  'not-in-baseline': { incomplete: true },
  /** The baseline was made from another file under this model id. */
  'model-file-differs': { incomplete: true },
  /** The baseline ran this target id with another target string. */
  'target-differs': { incomplete: true },
  /** Same models and targets, other corpus digest: the inputs (names, shapes, dtypes) changed. */
  'corpus-differs': { incomplete: true },
  /** The baseline's probe crashed, timed out or could not import TVM on this model. */
  'baseline-probe-failed': { incomplete: true },
  /** The run asked for a stage the baseline was made without (e.g. IR against a baseline made with --no-ir). */
  'baseline-lacks-stage': { incomplete: true },
  /** The stage did not run in the candidate for a reason no finding explains. */
  'candidate-stage-not-run': { incomplete: true },
  /** The two sides' data are of different eras or tuning systems and cannot be paired. */
  'not-comparable': { incomplete: true },
  /** The candidate's cross-check of the baseline's data failed, so nothing in it was decided. */
  'cross-check-failed': { incomplete: true },
  /** A check of the baseline's data that needs a candidate TVM, where none ran (a diff of two stored runs). */
  'not-tried': { incomplete: true },
  /**
   * A phase failed on one side, so it and what comes after it are not compared; the failure itself
   * is a finding (candidate) or the baseline's own answer (baseline).
   */
  'phase-failed': { incomplete: false },
  /** The baseline's stage failed (its own answer, e.g. the model did not import): it has nothing that could break. */
  'baseline-has-none': { incomplete: false },
  /** The build cannot make this for the target (no codegen, a flow the era lacks), on the side named: shown, never a pass. */
  'not-available': { incomplete: false },
  /** The baseline ran this on a device the candidate's machine does not have: its library was not run. */
  'no-device': { incomplete: true },
  /** The baseline does not store this by design (over a size cap, or its TVM cannot serialise it). */
  'not-stored': { incomplete: false },
} as const satisfies Record<string, { incomplete: boolean }>;

export type SkipCode = keyof typeof SKIP_CODES;

export interface Skip {
  code: SkipCode;
  args: Record<string, string | number>;
}

/** A skip located in the result: which model, target and check. */
export interface Skipped extends Skip {
  model: string;
  target: string;
  /** A concern id, or "all" when nothing of the model was compared. */
  check: string;
}

export const skip = (code: SkipCode, args: Skip['args'] = {}): Skip => ({ code, args });

export const isIncomplete = (s: Skip): boolean => SKIP_CODES[s.code].incomplete;
