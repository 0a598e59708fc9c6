/**
 * The one place that decides how a Python script runs in an environment: the env's interpreter
 * on the host, or `docker run`/`podman run` of its image. Every caller (probe, fingerprint, model
 * inspection) gets the same outcome shape either way, so crash attribution does not care.
 */
import { dirname } from 'node:path';
import { execa } from 'execa';
import { execInContainer } from './container/run.js';
import { outcomeOf, type ExecOutcome, type LongProcess, type LongProcessSpec } from './exec-outcome.js';
import type { PythonEnv } from './resolve.js';

export type { ExecOutcome, LongProcess, LongProcessSpec } from './exec-outcome.js';

export interface PythonRunOptions {
  /** The process environment (a host process also inherits this process's). */
  env: Record<string, string>;
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Host files or folders the script reads besides the tool's sources: mounted read-only in a container. */
  reads?: string[];
  /** Host folders the script writes: mounted read-write in a container. */
  writes?: string[];
  maxBuffer?: number;
}

export async function runPython(env: PythonEnv, script: string, args: string[], opts: PythonRunOptions): Promise<ExecOutcome> {
  if (env.container) {
    return execInContainer(env.container, {
      program: env.python,
      args: [script, ...args],
      env: opts.env,
      cwd: opts.cwd,
      reads: [dirname(script), ...(opts.reads ?? [])],
      writes: opts.writes ?? [],
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      maxBuffer: opts.maxBuffer,
    });
  }
  const result = await execa(env.python, [script, ...args], {
    env: opts.env,
    extendEnv: true,
    reject: false,
    timeout: opts.timeoutMs,
    killSignal: 'SIGKILL',
    cancelSignal: opts.signal,
    stdin: 'ignore',
    cwd: opts.cwd,
    maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024,
  });
  const startError = result.failed && result.exitCode === undefined && !result.timedOut && !result.signal && !result.isCanceled ? (result.shortMessage ?? 'could not start') : null;
  return outcomeOf(result, startError);
}

/** Starts a host process in a process group of its own, so that killing it kills what it forked. */
export function startOnHost(spec: LongProcessSpec): LongProcess {
  const proc = execa(spec.program, spec.args, {
    env: spec.env,
    extendEnv: true,
    reject: false,
    detached: true,
    cwd: spec.cwd,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
  });
  let error: string | null = null;
  const exit = proc.then((r) => {
    if (r.failed && r.exitCode === undefined && !r.signal) error = r.shortMessage ?? 'could not start';
  });
  const killGroup = (pid: number | undefined | null) => {
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return {
    stdin: proc.stdin!,
    stdout: proc.stdout!,
    stderr: proc.stderr!,
    exit,
    async kill(childGroup) {
      killGroup(childGroup);
      killGroup(proc.pid);
      await exit;
    },
    startError: () => error,
  };
}
