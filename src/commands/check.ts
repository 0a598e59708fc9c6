import type { ProgressEvent } from '../check/prepare.js';
import { diffBaselines, runCheck } from '../check/run-check.js';
import type { CheckResult, Verdict } from '../check/types.js';
import { EXIT_CODES } from '../errors.js';
import { RENDERERS, type Format } from '../report/index.js';
import type { CommonFlags } from './flags.js';

export interface CheckFlags extends CommonFlags {
  against: string;
  tvm?: string;
  format: Format;
  saveCandidateAs?: string;
  add?: boolean;
}

export interface CommandOutput {
  /** The report, for stdout or --output. */
  report: string;
  exitCode: number;
}

/** The verdict decides the exit code, and nothing else does. */
export const VERDICT_EXIT = {
  breaking: EXIT_CODES.breaking,
  incomplete: EXIT_CODES.incomplete,
  compatible: EXIT_CODES.clean,
} as const satisfies Record<Verdict, number>;

const output = (result: CheckResult, format: Format): CommandOutput => ({
  report: RENDERERS[format](result),
  exitCode: VERDICT_EXIT[result.verdict],
});

export async function checkCommand(flags: CheckFlags, onProgress: (e: ProgressEvent) => void, signal?: AbortSignal): Promise<CommandOutput> {
  return output(await runCheck({ ...flags, onProgress, signal }), flags.format);
}

export function diffCommand(flags: { baselinesDir: string; from: string; to: string; format: Format }): CommandOutput {
  return output(diffBaselines(flags.baselinesDir, flags.from, flags.to), flags.format);
}
