/**
 * Finds the container CLI a docker:/podman: environment runs through, and checks that it can
 * run containers now, so a missing or stopped runtime fails once, up front, with a hint.
 */
import { resolve } from 'node:path';
import { execa, ExecaError } from 'execa';
import { InfraError } from '../../errors.js';
import { packageRoot } from '../../paths.js';
import { firstLine, memoizeAsync } from '../../util/memo.js';
import type { ContainerRuntime } from '../spec.js';

/** What a binary is, told by its `--version`, not by its name (podman-docker installs podman as "docker"). */
export type Flavour = 'docker' | 'podman';

/** A container CLI that answered. */
export interface ContainerCli {
  /** The binary as given or found on PATH: "docker", "/usr/bin/docker", "podman". */
  binary: string;
  flavour: Flavour;
  /** Flags before every subcommand (podman: `--runtime runc` where runc is installed). */
  global: string[];
  /** The engine's version: dockerd's for docker, podman's own for podman. */
  serverVersion: string;
}

/** The one-line hint every runtime failure ends with. */
export const RUNTIME_HINT = `install and start one with: bash ${resolve(packageRoot, 'scripts', 'container-runtime.sh')}`;

/** `--container-cli` (or TVM_COMPAT_CONTAINER_CLI) when given, else the binary the spec prefix names. */
export function cliBinary(runtime: ContainerRuntime, override?: string): string {
  return override || process.env.TVM_COMPAT_CONTAINER_CLI || runtime;
}

/** Asks `binary` what it is and whether its engine answers; InfraError (exit 3) with RUNTIME_HINT if not. */
export const findContainerCli: (binary: string) => Promise<ContainerCli> = memoizeAsync(detect);

/** A command that succeeds only while the engine answers: docker's needs the daemon; podman has none. */
const versionArgs = (flavour: Flavour, global: string[]): string[] =>
  flavour === 'docker' ? ['version', '--format', '{{.Server.Version}}'] : [...global, 'version', '--format', '{{.Version}}'];

async function detect(binary: string): Promise<ContainerCli> {
  let version: string;
  try {
    version = (await execa(binary, ['--version'], { timeout: 30_000 })).stdout;
  } catch (error) {
    const why = error instanceof ExecaError && error.code === 'ENOENT' ? 'not found' : firstLine(error);
    throw new InfraError(`container CLI "${binary}" ${why}; ${RUNTIME_HINT}`, { cause: error });
  }
  const flavour: Flavour = /podman/i.test(version) ? 'podman' : 'docker';
  const global = flavour === 'podman' && (await hasRunc()) ? ['--runtime', 'runc'] : [];
  try {
    const { stdout } = await execa(binary, versionArgs(flavour, global), { timeout: 30_000 });
    return { binary, flavour, global, serverVersion: stdout.trim() };
  } catch (error) {
    const stderr = error instanceof ExecaError ? String(error.stderr ?? '') : '';
    const line = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? firstLine(error);
    throw new InfraError(`${binary} cannot run containers (${line}); ${RUNTIME_HINT}`, { cause: error });
  }
}

/** `rm` that kills at once: podman would first wait 10 s for SIGTERM, which a probe (PID 1) ignores. */
export function forceRemoveArgs(cli: ContainerCli, names: string[]): string[] {
  return [...cli.global, 'rm', '--force', ...(cli.flavour === 'podman' ? ['--time', '0'] : []), ...names];
}

/** Whether the engine still answers: a job that failed while it did not is the runtime's failure, not TVM's. */
export async function engineAnswers(cli: ContainerCli): Promise<boolean> {
  const r = await execa(cli.binary, versionArgs(cli.flavour, cli.global), { reject: false, timeout: 30_000, stdin: 'ignore' });
  return r.exitCode === 0;
}

/** The line of a failed `run` that says why; the CLIs end with "Run 'docker run --help' …". */
export function engineFailureLine(stderr: string): string | null {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(Run|See) '.*--help'/.test(l));
  return lines.pop() ?? null;
}

/** crun, podman's default, fails on some cgroup setups (these machines); runc works wherever it is installed. */
async function hasRunc(): Promise<boolean> {
  try {
    await execa('runc', ['--version'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
