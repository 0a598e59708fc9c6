/**
 * The `run` arguments of one container job. Pure, so the isolation rules can be read and tested
 * in one place: host paths are bind-mounted at the same absolute path, so argv and every path in
 * a job file mean the same inside and outside.
 */
import { UsageError } from '../../errors.js';
import type { Flavour } from './cli.js';

/** A host path made visible inside the container at the same path. */
export interface Mount {
  path: string;
  writable: boolean;
}

export interface RunSpec {
  flavour: Flavour;
  image: string;
  /** Unique container name: the handle to kill it by when the CLI is killed. */
  name: string;
  /** "uid:gid"; never root. */
  user: string;
  mounts: Mount[];
  /** Working directory inside (a mounted path). */
  workdir?: string;
  env: Record<string, string>;
  /** The program to run (the image's entrypoint is replaced) and its arguments. */
  command: [string, ...string[]];
  limits: ContainerLimits;
  /** Keep stdin open (a worker spoken to over pipes). */
  interactive?: boolean;
}

export interface ContainerLimits {
  /** Memory cap, in the CLI's syntax ("8g"); swap is capped at the same value. */
  memory: string;
  /** Processes and threads. */
  pids: number;
}

/** Enough for the largest corpus model on two probe processes; a runaway job hits it, not the host. */
export const DEFAULT_LIMITS: ContainerLimits = { memory: '8g', pids: 1024 };

/** Label on every container this tool starts, so leftovers can be listed: `docker ps --filter label=tvm-compat`. */
export const CONTAINER_LABEL = 'tvm-compat';

/** Where HOME points inside when the caller's HOME is not mounted writable: TVM writes ~/.tvm_test_data on import. */
export const CONTAINER_HOME = '/tmp/home';

export function containerRunArgs(spec: RunSpec): string[] {
  if (/^(0|root)(:|$)/.test(spec.user)) throw new UsageError(`containers run as a non-root user, not "${spec.user}"`);
  const args = [
    'run',
    ...(spec.interactive ? ['--interactive'] : []),
    '--rm',
    '--name',
    spec.name,
    '--label',
    CONTAINER_LABEL,
    '--network',
    'none',
    '--user',
    spec.user,
    '--read-only',
    // exec: TVM builds shared libraries under /tmp and dlopens them.
    '--tmpfs',
    '/tmp:rw,exec,nosuid,nodev,mode=1777',
    '--memory',
    spec.limits.memory,
    '--memory-swap',
    spec.limits.memory,
    '--pids-limit',
    String(spec.limits.pids),
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
  ];
  // podman's default rlimits exceed what an unprivileged sandbox grants, and the run fails.
  if (spec.flavour === 'podman') args.push('--ulimit', 'nofile=1000:1000', '--ulimit', 'nproc=1000:1000');
  for (const m of normaliseMounts(spec.mounts)) {
    args.push('--mount', `type=bind,source=${m.path},target=${m.path}${m.writable ? '' : ',readonly'}`);
  }
  if (spec.workdir) args.push('--workdir', spec.workdir);
  for (const [key, value] of Object.entries(spec.env).sort(([a], [b]) => (a < b ? -1 : 1))) args.push('--env', `${key}=${value}`);
  const [program, ...rest] = spec.command;
  args.push('--entrypoint', program, spec.image, ...rest);
  return args;
}

/**
 * Sorted and deduplicated; a path inside another mount of the same mode is dropped, a writable
 * one inside a read-only one is kept (mounted after it, so it wins).
 */
export function normaliseMounts(mounts: Mount[]): Mount[] {
  for (const m of mounts) {
    if (!m.path.startsWith('/')) throw new UsageError(`mount path must be absolute: "${m.path}"`);
    // --mount is comma-separated key=value; a comma or newline in a path cannot be passed safely.
    if (/[,\n]/.test(m.path)) throw new UsageError(`cannot mount a path holding a comma or newline into a container: "${m.path}"`);
  }
  const byPath = new Map<string, Mount>();
  for (const m of mounts) {
    const p = m.path.length > 1 ? m.path.replace(/\/+$/, '') : m.path;
    const prev = byPath.get(p);
    byPath.set(p, { path: p, writable: (prev?.writable ?? false) || m.writable });
  }
  const sorted = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const inside = (child: string, parent: string) => parent === '/' || child.startsWith(`${parent}/`);
  return sorted.filter((m) => !sorted.some((o) => o !== m && inside(m.path, o.path) && o.writable === m.writable));
}
