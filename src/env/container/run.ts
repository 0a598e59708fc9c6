/**
 * Runs one command in a container and makes sure the container is gone afterwards. Killing the
 * CLI does not stop the container (the engine owns it), so on timeout or abort it is removed by
 * its name; exit codes are mapped back to what a host process would have reported.
 */
import { randomBytes } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { constants } from 'node:os';
import { execa } from 'execa';
import { packageRoot } from '../../paths.js';
import { outcomeOf, type ExecOutcome } from '../exec-outcome.js';
import type { LongProcess, LongProcessSpec } from '../exec-outcome.js';
import { engineAnswers, engineFailureLine, forceRemoveArgs, RUNTIME_HINT, type ContainerCli } from './cli.js';
import { track, untrack } from './reaper.js';
import { CONTAINER_HOME, containerRunArgs, DEFAULT_LIMITS, type Mount } from './run-args.js';

/** The image a container environment runs, and the CLI that runs it. */
export interface ContainerTarget {
  cli: ContainerCli;
  /** The image reference as given in the spec. */
  image: string;
  /** The engine's id of that image when the env was resolved ("sha256:…"). */
  imageId: string;
}

/** One program run to its end in a container: what a long-lived one gets (reads mounted read-only, writes read-write), plus limits. */
export interface ContainerExec extends LongProcessSpec {
  timeoutMs: number;
  signal?: AbortSignal;
  maxBuffer?: number;
}

/** docker run and podman run: 125 the engine failed, 126 not executable, 127 not found. */
const ENGINE_EXIT_CODES = new Set([125, 126, 127]);

/** The host uid when it is not root, else nobody: a probe never runs as root. */
export function containerUser(): string {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return uid === 0 ? '65534:65534' : `${uid}:${gid}`;
}

/** `run` arguments for one program in a fresh container of the target's image, and its name. */
async function runArgs(target: ContainerTarget, exec: Omit<ContainerExec, 'timeoutMs'>, interactive: boolean): Promise<{ name: string; args: string[] }> {
  // mkdtemp folders are 0700 and owned by the host user; the container user must write there.
  await Promise.all(exec.writes.map((dir) => chmod(dir, 0o777)));
  const writes = exec.writes.map((path): Mount => ({ path, writable: true }));
  const home = exec.env.HOME;
  const homeMounted = home !== undefined && exec.writes.some((w) => home === w || home.startsWith(`${w}/`));
  const name = `tvm-compat-${process.pid}-${randomBytes(4).toString('hex')}`;
  const args = containerRunArgs({
    flavour: target.cli.flavour,
    image: target.image,
    name,
    user: containerUser(),
    // The whole source tree: probe.py loads its collectors from sibling folders.
    mounts: [{ path: `${packageRoot}/src`, writable: false }, ...exec.reads.map((path): Mount => ({ path, writable: false })), ...writes],
    workdir: exec.cwd,
    env: { ...exec.env, HOME: homeMounted ? home! : CONTAINER_HOME },
    command: [exec.program, ...exec.args],
    limits: DEFAULT_LIMITS,
    interactive,
  });
  return { name, args };
}

/**
 * A long-lived program (a probe worker) in a container, spoken to over stdin/stdout. Killing it
 * removes the container, and everything in it with it.
 */
export async function startInContainer(target: ContainerTarget, spec: LongProcessSpec): Promise<LongProcess> {
  const { name, args } = await runArgs(target, spec, true);
  track(target.cli, name);
  const proc = execa(target.cli.binary, [...target.cli.global, ...args], { reject: false, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false });
  let error: string | null = null;
  const exit = proc.then(async (r) => {
    untrack(name);
    if (r.exitCode === undefined && !r.signal) error = r.shortMessage ?? 'could not start';
    else if (r.exitCode !== undefined && ENGINE_EXIT_CODES.has(r.exitCode)) error = `${target.cli.binary} run failed (exit ${r.exitCode}); ${RUNTIME_HINT}`;
    else if (r.exitCode !== 0 && !(await engineAnswers(target.cli))) error = `${target.cli.binary} stopped answering (exit ${String(r.exitCode)}); ${RUNTIME_HINT}`;
  });
  return {
    stdin: proc.stdin!,
    stdout: proc.stdout!,
    stderr: proc.stderr!,
    exit,
    async kill() {
      await removeContainer(target.cli, name);
      proc.kill('SIGKILL');
      await exit;
    },
    startError: () => error,
  };
}

export async function execInContainer(target: ContainerTarget, exec: ContainerExec): Promise<ExecOutcome> {
  const { name, args } = await runArgs(target, exec, false);
  track(target.cli, name);
  const result = await execa(target.cli.binary, [...target.cli.global, ...args], {
    reject: false,
    timeout: exec.timeoutMs,
    killSignal: 'SIGKILL',
    cancelSignal: exec.signal,
    stdin: 'ignore',
    maxBuffer: exec.maxBuffer ?? 64 * 1024 * 1024,
  });
  const killed = result.timedOut || result.isCanceled || Boolean(result.signal);
  if (killed) await removeContainer(target.cli, name);
  untrack(name);
  const outcome = outcomeOf(result);
  const stderr = outcome.stderr;
  if (killed) return outcome;
  if (result.exitCode === undefined) return { ...outcome, startError: result.shortMessage ?? 'could not start' };
  if (ENGINE_EXIT_CODES.has(result.exitCode)) {
    const line = engineFailureLine(stderr) ?? `exit ${result.exitCode}`;
    return { ...outcome, startError: `${target.cli.binary} run failed (exit ${result.exitCode}): ${line}; ${RUNTIME_HINT}` };
  }
  // A daemon stopped mid-run kills the container too; that must not read as a TVM crash.
  if (result.exitCode !== 0 && !(await engineAnswers(target.cli))) {
    return { ...outcome, startError: `${target.cli.binary} stopped answering while the job ran (exit ${result.exitCode}); ${RUNTIME_HINT}` };
  }
  const signal = result.exitCode > 128 ? (signalName(result.exitCode - 128) ?? null) : null;
  return signal ? { ...outcome, exitCode: null, signal } : outcome;
}

/** `rm -f` kills and removes; tried twice because a CLI killed mid-create leaves the container to appear a moment later. */
export async function removeContainer(cli: ContainerCli, name: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    await execa(cli.binary, forceRemoveArgs(cli, [name]), { reject: false, timeout: 60_000, stdin: 'ignore' });
    const left = await execa(cli.binary, [...cli.global, 'ps', '--all', '--quiet', '--filter', `name=^${name}$`], { reject: false, timeout: 60_000 });
    if (String(left.stdout ?? '').trim() === '') return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function signalName(n: number): string | null {
  const entry = Object.entries(constants.signals).find(([, v]) => v === n);
  return entry ? entry[0] : null;
}
