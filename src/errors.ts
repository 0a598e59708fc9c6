/**
 * Typed errors thrown by the core. Only src/cli.ts maps them to exit codes (see EXIT_CODES),
 * so every layer below can fail without knowing how the process ends.
 */
export type ErrorKind = 'usage' | 'input' | 'infrastructure';

export const EXIT_CODES = {
  clean: 0,
  breaking: 1,
  usage: 2,
  input: 2,
  infrastructure: 3,
  /** Nothing breaking was found, but something the baseline has could not be compared. */
  incomplete: 4,
  /** SIGINT/SIGTERM: the run stopped, no report and no baseline were written (128 + SIGINT). */
  interrupted: 130,
} as const;

export class CompatError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CompatError';
  }
}

/** Bad flags or a spec string that does not parse. Exit 2. */
export class UsageError extends CompatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('usage', message, options);
    this.name = 'UsageError';
  }
}

/** A file the user or the repo gave us is missing, corrupt or invalid. Exit 2. */
export class InputError extends CompatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('input', message, options);
    this.name = 'InputError';
  }
}

/** The environment could not be provisioned, or the probe could not start or run (a container engine that stopped). Exit 3. */
export class InfraError extends CompatError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('infrastructure', message, options);
    this.name = 'InfraError';
  }
}
