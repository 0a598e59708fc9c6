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
  /**
   * A bug in tvm-compat itself: anything thrown that is not a CompatError. 70 is EX_SOFTWARE of
   * BSD sysexits(3) ("internal software error"), the one widespread convention for it; 3 would
   * send the user to fix an environment that is fine.
   */
  internal: 70,
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

/**
 * What the CLI prints for a tool bug: says whose fault it is and asks for a report with the stack
 * (the causes too, which is where a wrapped library error keeps its own).
 */
export function internalErrorMessage(err: unknown, at: { tool: { name: string; version: string }; args: readonly string[]; runtime: string }): string {
  const lines = [
    `compat: internal error: this is a bug in ${at.tool.name} ${at.tool.version}, not in TVM or your environment.`,
    `Please report it to the ${at.tool.name} maintainers with the command and everything below:`,
    `  command: compat ${at.args.join(' ')}`,
    `  runtime: ${at.runtime}`,
  ];
  const seen = new Set<unknown>();
  for (let e: unknown = err, depth = 0; e !== undefined && !seen.has(e) && depth < 5; depth++) {
    seen.add(e);
    const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : `thrown value: ${safeString(e)}`;
    lines.push(depth === 0 ? text : `caused by: ${text}`);
    e = e instanceof Error ? e.cause : undefined;
  }
  return `${lines.join('\n')}\n`;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
