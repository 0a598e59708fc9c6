import type { ProgressEvent } from '../check/collect.js';
import { diffBaselines, runCheck } from '../check/run-check.js';
import type { CheckResult } from '../check/types.js';
import { EXIT_CODES } from '../errors.js';
import { RENDERERS, type Format } from '../report/index.js';
import type { CommonFlags } from './flags.js';

export interface CheckFlags extends CommonFlags {
  against: string;
  tvm?: string;
  format: Format;
  saveCandidateAs?: string;
}

export interface CommandOutput {
  /** The report, for stdout or --output. */
  report: string;
  exitCode: number;
}

const output = (result: CheckResult, format: Format): CommandOutput => ({
  report: RENDERERS[format](result),
  exitCode: result.summary.breaking > 0 ? EXIT_CODES.breaking : EXIT_CODES.clean,
});

export async function checkCommand(flags: CheckFlags, onProgress: (e: ProgressEvent) => void, signal?: AbortSignal): Promise<CommandOutput> {
  return output(await runCheck({ ...flags, onProgress, signal }), flags.format);
}

export function diffCommand(flags: { baselinesDir: string; from: string; to: string; format: Format }): CommandOutput {
  return output(diffBaselines(flags.baselinesDir, flags.from, flags.to), flags.format);
}
