import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { hostPython } from '../../src/env/host-python.js';
import { cacheRoot, resolveEnv } from '../../src/env/resolve.js';
import { parseEnvSpec } from '../../src/env/spec.js';
import { COMPLETE_MARKER, envKey } from '../../src/env/venv-cache.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('cacheRoot', () => {
  it('prefers TVM_COMPAT_CACHE, then XDG_CACHE_HOME, then ~/.cache', () => {
    vi.stubEnv('TVM_COMPAT_CACHE', '/c/tvmc');
    vi.stubEnv('XDG_CACHE_HOME', '/xdg');
    expect(cacheRoot()).toBe('/c/tvmc');
    vi.stubEnv('TVM_COMPAT_CACHE', '');
    expect(cacheRoot()).toBe('/xdg/tvm-compat');
    vi.stubEnv('XDG_CACHE_HOME', '');
    expect(cacheRoot()).toBe(path.join(os.homedir(), '.cache', 'tvm-compat'));
  });
});

describe('envKey', () => {
  it('ignores requirement order but not the Python version', () => {
    expect(envKey('3.11.7', ['a', 'b'])).toBe(envKey('3.11.7', ['b', 'a']));
    expect(envKey('3.11.7', ['a'])).not.toBe(envKey('3.10.1', ['a']));
    expect(envKey('3.11.7', ['a'])).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('resolveEnv', () => {
  const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'tvmc-resolve-'));

  it('accepts an executable python: and rejects anything else', async () => {
    const dir = tmp();
    const py = path.join(dir, 'python');
    writeFileSync(py, '#!/bin/sh\n');
    chmodSync(py, 0o644);
    await expect(resolveEnv(parseEnvSpec(`python:${py}`))).rejects.toThrow(UsageError);
    await expect(resolveEnv(parseEnvSpec(`python:${dir}`))).rejects.toThrow(UsageError);
    await expect(resolveEnv(parseEnvSpec(`python:${dir}/missing`))).rejects.toThrow(/not an executable file/);
    chmodSync(py, 0o755);
    const env = await resolveEnv(parseEnvSpec(`python:${py}`));
    expect(env).toMatchObject({ label: `python:${py}`, python: py, env: { TOPHUB_LOCATION: 'NONE' } });
  });

  it('reuses a complete cached env without running an installer', async () => {
    const cacheDir = tmp();
    const requirements = ['tvmc-not-a-real-package==1.0'];
    const host = await hostPython();
    const envDir = path.join(cacheDir, 'envs', envKey(host.version, requirements));
    mkdirSync(path.join(envDir, 'bin'), { recursive: true });
    writeFileSync(path.join(envDir, 'bin', 'python'), '');
    writeFileSync(path.join(envDir, COMPLETE_MARKER), '{}');
    const progress: string[] = [];
    const env = await resolveEnv(parseEnvSpec(`pip:${requirements[0]}`), {
      cacheDir,
      onProgress: (m) => progress.push(m),
    });
    expect(env.python).toBe(path.join(envDir, 'bin', 'python'));
    expect(env.label).toBe('pip:tvmc-not-a-real-package==1.0');
    expect(progress).toEqual([`reusing cached environment ${envDir}`]);
  });
});
