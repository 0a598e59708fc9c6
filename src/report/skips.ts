import type { Skip, SkipCode } from '../concerns/skips.js';
import { isIncomplete } from '../concerns/skips.js';

/** The words for each kind of comparison that could not be made. */
const TEXTS = {
  'not-in-baseline': (a) => `not in baseline ${a.baseline}`,
  'model-file-differs': (a) => `model file differs from the one baseline ${a.baseline} was made from`,
  'target-differs': (a) => `baseline ${a.baseline} ran target "${a.target}" as "${a.was}", the candidate as "${a.now}"`,
  'corpus-differs': (a) => `the corpus differs from the one baseline ${a.baseline} was made from (same models and targets, other inputs): digest ${a.was} → ${a.now}`,
  'baseline-probe-failed': (a) => `the baseline's probe failed: ${a.error}`,
  'baseline-lacks-stage': (a) => `baseline ${a.baseline} has no ${a.stage} stage (it was made without it): re-create it to compare this`,
  'candidate-stage-not-run': (a) => `the candidate did not run ${a.stage}: ${a.reason}`,
  'not-comparable': (a) => `${a.what} of the ${a.baseline} era and of the ${a.candidate} era are not comparable`,
  'cross-check-failed': (a) => `the candidate's cross-check of ${a.what ?? "the baseline's IR"} failed, so nothing in it was decided or loaded: ${a.error}`,
  'not-tried': (a) => `${a.what}: not tried (${a.reason})`,
  'phase-failed': (a) => `${a.phase} IR not compared: the ${a.failed} phase failed on one side`,
  'baseline-has-none': (a) => `the baseline has no ${a.what}: its ${a.failed} failed`,
  'not-stored': (a) => `${a.what} is not stored: ${a.reason}`,
  'not-available': (a) => `${a.what}: ${a.reason} (${a.side})`,
  'no-device': (a) => `${a.what} was not run: ${a.reason}`,
} as const satisfies Record<SkipCode, (args: Record<string, string | number>) => string>;

export const skipText = (s: Skip): string => TEXTS[s.code](s.args) + (isIncomplete(s) ? ' [incomplete]' : '');
