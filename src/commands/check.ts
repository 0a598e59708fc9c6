import type { ProgressEvent } from '../check/collect.js';
import { runCheck } from '../check/run-check.js';
import { EXIT_CODES } from '../errors.js';
import { RENDERERS, type Format } from '../report/index.js';
import type { CommonFlags } from './flags.js';

export interface CheckFlags extends CommonFlags {
  against: string;
  tvm?: string;
  format: Format;
}

export interface CommandOutput {
  /** The report, for stdout or --output. */
  report: string;
  exitCode: number;
}

export async function checkCommand(flags: CheckFlags, onProgress: (e: ProgressEvent) => void, signal?: AbortSignal): Promise<CommandOutput> {
  const result = await runCheck({ ...flags, onProgress, signal });
  return {
    report: RENDERERS[flags.format](result),
    exitCode: result.summary.breaking > 0 ? EXIT_CODES.breaking : EXIT_CODES.clean,
  };
}
