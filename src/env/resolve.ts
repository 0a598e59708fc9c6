/**
 * Turns an EnvSpec into a runnable Python: provisions cached venvs for releases
 * and pip specs, checks user interpreters, and wires source checkouts onto the
 * interpreter of their matching release.
 */
import { accessSync, constants, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { UsageError } from '../errors.js';
import { checkoutPythonPath, readCheckoutVersion } from './checkout.js';
import { cliBinary, findContainerCli } from './container/cli.js';
import { inspectImage, LABELS } from './container/image-info.js';
import type { ContainerTarget } from './container/run.js';
import { loadReleases, newestRelease, resolveRelease, type Release } from './releases.js';
import type { EnvSpec } from './spec.js';
import { provisionVenv } from './venv-cache.js';

/** A Python interpreter with TVM importable, ready to run probes in. */
export interface PythonEnv {
  /** The spec this env was resolved from. */
  spec: EnvSpec;
  /** Short name for reports: "v0.27.0", "pip:…", "python:/…", "checkout:/…". */
  label: string;
  /** Absolute interpreter path. */
  python: string;
  /** Extra environment for every process run in it (PYTHONPATH, TVM_LIBRARY_PATH …). */
  env: Record<string, string>;
  /** Set for docker:/podman: envs: `python` is then a path inside this image (see run-python.ts). */
  container?: ContainerTarget;
}

export interface ProvisionOptions {
  /** Overrides cacheRoot() (tests use a temporary folder). */
  cacheDir?: string;
  /** Receives human-readable progress lines; the core never prints. */
  onProgress?: (message: string) => void;
  /** Container CLI binary for docker:/podman: specs (`--container-cli`); else $TVM_COMPAT_CONTAINER_CLI, else the prefix. */
  containerCli?: string;
}

/** Every env gets these: TVM must never try to download TopHub logs mid-run. */
export const BASE_ENV: Record<string, string> = { TOPHUB_LOCATION: 'NONE' };

/** $TVM_COMPAT_CACHE, else $XDG_CACHE_HOME/tvm-compat, else ~/.cache/tvm-compat. */
export function cacheRoot(): string {
  if (process.env.TVM_COMPAT_CACHE) return path.resolve(process.env.TVM_COMPAT_CACHE);
  if (process.env.XDG_CACHE_HOME) return path.join(path.resolve(process.env.XDG_CACHE_HOME), 'tvm-compat');
  return path.join(os.homedir(), '.cache', 'tvm-compat');
}

export async function resolveEnv(spec: EnvSpec, opts: ProvisionOptions = {}): Promise<PythonEnv> {
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const onProgress = opts.onProgress ?? (() => undefined);
  switch (spec.kind) {
    case 'release': {
      const release = resolveRelease(spec.version);
      const label = `v${release.version}`;
      onProgress(`${label}: ${release.requirements.join(' ')}`);
      const python = await provisionVenv(release.requirements, cacheDir, onProgress);
      return { spec, label, python, env: { ...BASE_ENV } };
    }
    case 'pip': {
      const python = await provisionVenv(spec.requirements, cacheDir, onProgress);
      return { spec, label: `pip:${spec.requirements.join(',')}`, python, env: { ...BASE_ENV } };
    }
    case 'python':
      checkInterpreter(spec.python, spec.raw);
      return { spec, label: `python:${spec.python}`, python: spec.python, env: { ...BASE_ENV } };
    case 'checkout':
      return resolveCheckout(spec, cacheDir, onProgress);
    case 'container':
      return resolveContainer(spec, opts.containerCli);
  }
}

async function resolveContainer(spec: Extract<EnvSpec, { kind: 'container' }>, override: string | undefined): Promise<PythonEnv> {
  const cli = await findContainerCli(cliBinary(spec.runtime, override));
  const info = await inspectImage(cli, spec.image);
  if (!info) {
    throw new UsageError(
      `${spec.raw}: ${cli.binary} has no image "${spec.image}" (nothing is pulled); build one with: compat env build vX.Y --cli ${cli.flavour}`,
    );
  }
  const python = info.labels[LABELS.python] ?? 'python3';
  return { spec, label: spec.raw, python, env: { ...BASE_ENV }, container: { cli, image: spec.image, imageId: info.id } };
}

function checkInterpreter(file: string, raw: string): void {
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    accessSync(file, constants.X_OK);
  } catch {
    throw new UsageError(`${raw}: ${file} is not an executable file`);
  }
}

async function resolveCheckout(
  spec: Extract<EnvSpec, { kind: 'checkout' }>,
  cacheDir: string,
  onProgress: (message: string) => void,
): Promise<PythonEnv> {
  const { dir } = spec;
  if (!isDirectory(dir)) throw new UsageError(`checkout:${dir}: not a directory`);
  const build = path.join(dir, 'build');
  if (!isDirectory(build)) {
    throw new UsageError(
      `checkout:${dir} has no build/ folder holding libtvm*.so. Build TVM there (cmake + ninja, see docs/source-builds.md), ` +
        `or build it into an image and check that: tag=$(compat env build --source ${dir}) && compat check … --tvm docker:$tag`,
    );
  }
  const { version, file } = readCheckoutVersion(dir);
  const release = releaseForCheckout(version);
  onProgress(`checkout:${dir} is TVM ${version} (from ${path.relative(dir, file)}); using the Python of v${release.version}`);
  const python = await provisionVenv(release.requirements, cacheDir, onProgress);
  const env = { ...BASE_ENV, PYTHONPATH: checkoutPythonPath(dir).join(path.delimiter), TVM_LIBRARY_PATH: build };
  return { spec, label: `checkout:${dir}`, python, env };
}

/**
 * The release whose major.minor matches the tree; a development tree newer than
 * every table entry borrows the newest release, as main usually runs on its deps.
 */
export function releaseForCheckout(version: string): Release {
  const mm = /^(\d+)\.(\d+)/.exec(version);
  if (!mm) throw new UsageError(`cannot read a major.minor version from "${version}"`);
  const majorMinor = `${mm[1]}.${mm[2]}`;
  const known = loadReleases().some((r) => semver.satisfies(r.version, majorMinor));
  if (known) return resolveRelease(majorMinor);
  const newest = newestRelease();
  if (semver.gt(`${majorMinor}.0`, newest.version)) return newest;
  return resolveRelease(majorMinor); // throws the UsageError listing known releases
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
