/**
 * Content-addressed venvs under `<cacheDir>/envs/<key>`. A venv cannot be moved
 * after creation, so it is built in place under a lock, and a marker file written
 * last tells readers it is complete; a folder without the marker is half-built.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hostPython, type HostPython } from './host-python.js';
import { createVenv, findInstaller, installRequirements } from './installer.js';
import { withDirLock } from './lock.js';

export const COMPLETE_MARKER = '.tvm-compat-complete';

/** What the marker records about how the env was built. */
export interface EnvMarker {
  /** Requirements exactly as installed. */
  requirements: string[];
  /** Base interpreter version, e.g. "3.11.7". */
  pythonVersion: string;
  /** "uv" or "pip". */
  installer: string;
  /** ISO time the env was completed. */
  createdAt: string;
  /** How long provisioning took. */
  durationMs: number;
}

/** First 16 hex of sha256(python version + sorted requirements). */
export function envKey(pythonVersion: string, requirements: string[]): string {
  const text = [pythonVersion, ...[...requirements].sort()].join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function venvPython(dir: string): string {
  return path.join(dir, 'bin', 'python');
}

/** Returns the interpreter of a complete venv holding `requirements`, building it if needed. */
export async function provisionVenv(
  requirements: string[],
  cacheDir: string,
  onProgress: (message: string) => void,
): Promise<string> {
  const host = await hostPython();
  const dir = path.join(cacheDir, 'envs', envKey(host.version, requirements));
  if (isComplete(dir)) {
    onProgress(`reusing cached environment ${dir}`);
    return venvPython(dir);
  }
  await withDirLock(dir, () => build(dir, requirements, host, cacheDir, onProgress), { onWait: onProgress });
  return venvPython(dir);
}

function isComplete(dir: string): boolean {
  return existsSync(path.join(dir, COMPLETE_MARKER)) && existsSync(venvPython(dir));
}

async function build(
  dir: string,
  requirements: string[],
  host: HostPython,
  cacheDir: string,
  onProgress: (message: string) => void,
): Promise<void> {
  // Another process may have finished it while we waited for the lock.
  if (isComplete(dir)) {
    onProgress(`reusing cached environment ${dir}`);
    return;
  }
  const started = Date.now();
  if (existsSync(dir)) {
    onProgress(`removing incomplete environment ${dir}`);
    await rm(dir, { recursive: true, force: true });
  }
  const installer = await findInstaller(cacheDir, host, onProgress);
  try {
    onProgress(`creating venv ${dir} (Python ${host.version}) …`);
    await createVenv(installer, host, dir);
    onProgress(`installing ${requirements.length} requirement${requirements.length === 1 ? '' : 's'} with ${installer.kind} …`);
    await installRequirements(installer, venvPython(dir), requirements);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const marker: EnvMarker = {
    requirements,
    pythonVersion: host.version,
    installer: installer.kind,
    createdAt: new Date().toISOString(),
    durationMs: Date.now() - started,
  };
  const tmp = path.join(dir, `${COMPLETE_MARKER}.tmp`);
  await writeFile(tmp, `${JSON.stringify(marker, null, 2)}\n`);
  await rename(tmp, path.join(dir, COMPLETE_MARKER));
  onProgress(`environment ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
