import type { Readable, Writable } from 'node:stream';

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

/** A long-lived process (a probe worker) on the host or in a container, spoken to over pipes. */
export interface LongProcess {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Settles when the process has exited (whatever the status). */
  exit: Promise<void>;
  /** Kills the process, what it started, and (host) the process group `childGroup` it reported. */
  kill(childGroup: number | null): Promise<void>;
  /** Why it could not be started or run, once it has exited that way. */
  startError(): string | null;
}

export interface LongProcessSpec {
  program: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Host paths read / written: mounted in a container, ignored on the host. */
  reads: string[];
  writes: string[];
}
