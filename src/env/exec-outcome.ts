/**
 * What running a Python script in an environment came to, in host terms, whether it ran on the
 * host or in a container (a container killed by signal N, exit 128+N, reads as that signal).
 */
export interface ExecOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  canceled: boolean;
  stdout: string;
  stderr: string;
  /** Set when the process, or the container, could not be started (or run) at all. */
  startError: string | null;
}

/** The fields of an execa result (reject: false) that an outcome is read from. */
interface ExecaFields {
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  isCanceled: boolean;
  stdout?: unknown;
  stderr?: unknown;
}

export const outcomeOf = (result: ExecaFields, startError: string | null = null): ExecOutcome => ({
  exitCode: result.exitCode ?? null,
  signal: result.signal ?? null,
  timedOut: result.timedOut,
  canceled: result.isCanceled,
  stdout: String(result.stdout ?? ''),
  stderr: String(result.stderr ?? ''),
  startError,
});
