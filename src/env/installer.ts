/**
 * Creates venvs and installs requirements, with uv when it can be had (fast,
 * shared wheel cache) and with the standard venv + pip otherwise.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa, ExecaError } from 'execa';
import { InfraError } from '../errors.js';
import type { HostPython } from './host-python.js';
import { lastMeaningfulLine } from './installer-output.js';
import { withDirLock } from './lock.js';

/** How packages get installed. */
export type Installer = { kind: 'uv'; uv: string } | { kind: 'pip' };

type Progress = (message: string) => void;

/** Never let uv fetch a Python of its own: the venv must use the host's. */
export const INSTALLER_ENV: Record<string, string> = {
  UV_PYTHON_DOWNLOADS: 'never',
  PIP_DISABLE_PIP_VERSION_CHECK: '1',
};

const memo = new Map<string, Promise<Installer>>();

/** uv from PATH, else a uv bootstrapped into `<cacheDir>/tools/uv`, else pip. TVM_COMPAT_INSTALLER=pip forces pip. */
export function findInstaller(cacheDir: string, host: HostPython, onProgress: Progress): Promise<Installer> {
  if (process.env.TVM_COMPAT_INSTALLER === 'pip') return Promise.resolve({ kind: 'pip' });
  let found = memo.get(cacheDir);
  if (!found) {
    found = locateUv(cacheDir, host, onProgress);
    memo.set(cacheDir, found);
  }
  return found;
}

async function locateUv(cacheDir: string, host: HostPython, onProgress: Progress): Promise<Installer> {
  if (await works('uv')) return { kind: 'uv', uv: 'uv' };
  const toolDir = path.join(cacheDir, 'tools', 'uv');
  const uv = path.join(toolDir, 'bin', 'uv');
  const marker = path.join(toolDir, '.tvm-compat-complete');
  if (existsSync(marker) && (await works(uv))) return { kind: 'uv', uv };
  try {
    await withDirLock(
      toolDir,
      async () => {
        if (existsSync(marker) && (await works(uv))) return;
        onProgress(`uv not found; bootstrapping it into ${toolDir} …`);
        await rm(toolDir, { recursive: true, force: true });
        await run(host.executable, ['-m', 'venv', toolDir]);
        await run(path.join(toolDir, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', 'uv']);
        await writeFile(marker, new Date().toISOString());
      },
      { onWait: onProgress },
    );
    if (await works(uv)) return { kind: 'uv', uv };
  } catch (error) {
    onProgress(`could not bootstrap uv (${error instanceof Error ? error.message : String(error)}); using pip`);
  }
  return { kind: 'pip' };
}

async function works(command: string): Promise<boolean> {
  try {
    await execa(command, ['--version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

export async function createVenv(installer: Installer, host: HostPython, dir: string): Promise<void> {
  if (installer.kind === 'uv') await run(installer.uv, ['venv', '--quiet', '--python', host.executable, dir]);
  else await run(host.executable, ['-m', 'venv', dir]);
}

export async function installRequirements(installer: Installer, python: string, requirements: string[]): Promise<void> {
  if (installer.kind === 'uv') {
    await run(installer.uv, ['pip', 'install', '--quiet', '--python', python, ...requirements]);
  } else {
    await run(python, ['-m', 'pip', 'install', '--quiet', ...requirements]);
  }
}

/** Runs an installer step; failure → InfraError carrying its last meaningful stderr line. */
async function run(command: string, args: string[]): Promise<void> {
  try {
    await execa(command, args, { env: INSTALLER_ENV, timeout: 30 * 60_000 });
  } catch (error) {
    const stderr = error instanceof ExecaError ? String(error.stderr ?? '') : '';
    const line = lastMeaningfulLine(stderr) ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
    throw new InfraError(`${path.basename(command)} ${args.slice(0, 2).join(' ')} failed: ${line}`, { cause: error });
  }
}
