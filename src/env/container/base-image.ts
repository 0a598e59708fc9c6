/**
 * The base image every TVM image is built on, made with no registry: a debootstrap rootfs of
 * Debian bookworm (its python3 is 3.11, which the cp311 wheels of the release table need),
 * tarred once into the cache so docker and podman import the same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { execa, ExecaError } from 'execa';
import { InfraError } from '../../errors.js';
import { lastMeaningfulLine } from '../installer-output.js';
import { withDirLock } from '../lock.js';
import type { ContainerCli } from './cli.js';
import { inspectImage } from './image-info.js';

/** g++: TVM's export_library links with it; patch: for `env build --patch`. */
export const BASE_PACKAGES = ['python3', 'python3-venv', 'python3-pip', 'g++', 'patch'];
export const BASE_SUITE = 'bookworm';

const mirror = (): string => process.env.TVM_COMPAT_DEBIAN_MIRROR || 'http://deb.debian.org/debian';

/** Changes to what is done to the rootfs after debootstrap; bump to make a new base. */
const BASE_REVISION = 'root-0755';

/** Names the rootfs by what debootstrap is asked for and what is done after (the mirror does not change it). */
export function baseKey(): string {
  const text = ['debootstrap', '--variant=minbase', BASE_SUITE, ...[...BASE_PACKAGES].sort(), BASE_REVISION].join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export const baseTag = (): string => `tvm-compat/base:${BASE_SUITE}-${baseKey()}`;

type Progress = (message: string) => void;

/** The base image's tag in this engine, importing the cached rootfs (made first if needed). */
export async function ensureBaseImage(cli: ContainerCli, cacheDir: string, onProgress: Progress): Promise<string> {
  const tag = baseTag();
  if (await inspectImage(cli, tag)) {
    onProgress(`reusing base image ${tag}`);
    return tag;
  }
  const tarball = await ensureRootfs(cacheDir, onProgress);
  await withDirLock(path.join(cacheDir, 'containers', `import-${cli.flavour}-${baseKey()}`), async () => {
    if (await inspectImage(cli, tag)) return;
    const started = Date.now();
    onProgress(`importing ${path.basename(tarball)} into ${cli.binary} as ${tag} …`);
    await run(cli.binary, [...cli.global, 'import', tarball, tag]);
    onProgress(`imported in ${seconds(started)} s`);
  }, { onWait: onProgress });
  return tag;
}

/** `<cacheDir>/containers/rootfs-bookworm-<key>.tar`, made by debootstrap once. */
export async function ensureRootfs(cacheDir: string, onProgress: Progress): Promise<string> {
  const dir = path.join(cacheDir, 'containers');
  const tarball = path.join(dir, `rootfs-${BASE_SUITE}-${baseKey()}.tar`);
  if (existsSync(tarball)) return tarball;
  await mkdir(dir, { recursive: true });
  await withDirLock(tarball, async () => {
    if (existsSync(tarball)) return;
    if ((process.getuid?.() ?? 0) !== 0) {
      throw new InfraError(`making the base image needs root (debootstrap); run compat env build as root once, or put a rootfs tarball at ${tarball}`);
    }
    const root = `${tarball}.rootfs`;
    await rm(root, { recursive: true, force: true });
    const started = Date.now();
    onProgress(`debootstrap --variant=minbase ${BASE_SUITE} with ${BASE_PACKAGES.join(', ')} …`);
    try {
      await run('debootstrap', ['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, BASE_SUITE, root, mirror()]);
      // Package caches only make the image bigger; the image never runs apt.
      await rm(path.join(root, 'var', 'cache', 'apt', 'archives'), { recursive: true, force: true });
      await rm(path.join(root, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
      await mkdir(path.join(root, 'var', 'cache', 'apt', 'archives', 'partial'), { recursive: true });
      await mkdir(path.join(root, 'var', 'lib', 'apt', 'lists', 'partial'), { recursive: true });
      // Host paths are mounted at the same path for a non-root user; one under /root (0700 in
      // Debian) would be unreachable inside.
      await chmod(path.join(root, 'root'), 0o755);
      await run('tar', ['--numeric-owner', '-C', root, '-cf', `${tarball}.tmp`, '.']);
      await rename(`${tarball}.tmp`, tarball);
    } finally {
      await rm(root, { recursive: true, force: true });
      await rm(`${tarball}.tmp`, { force: true });
    }
    onProgress(`base rootfs ready in ${seconds(started)} s`);
  }, { onWait: onProgress });
  return tarball;
}

/** Runs a build step; failure → InfraError with its last meaningful output line. */
export async function run(command: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  try {
    await execa(command, args, { env, timeout: 60 * 60_000, stdin: 'ignore', all: true });
  } catch (error) {
    const output = error instanceof ExecaError ? String(error.all ?? error.stderr ?? '') : '';
    const line = failureLine(output) ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
    const why = error instanceof ExecaError && error.code === 'ENOENT' ? 'not found; install it (scripts/container-runtime.sh does)' : `failed: ${line}`;
    throw new InfraError(`${path.basename(command)} ${args.filter((a) => !a.startsWith('-')).slice(0, 1).join(' ')} ${why}`, { cause: error });
  }
}

/** Builders end with "The command … returned a non-zero code"; the line that says why comes before it. */
export function failureLine(output: string): string | null {
  // eslint-disable-next-line no-control-regex
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
  const lines = clean
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^The command '.*returned a non-zero code|^Error: building at STEP|^subprocess exited with status/.test(l));
  const error = [...lines].reverse().find((l) => /^(ERROR|E|error|Error|fatal)\b|Error:/.test(l));
  return error ?? lastMeaningfulLine(lines.join('\n'));
}

export const seconds = (started: number): string => ((Date.now() - started) / 1000).toFixed(1);
