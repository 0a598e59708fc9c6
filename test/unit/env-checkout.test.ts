import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { checkoutPythonPath, readCheckoutVersion } from '../../src/env/checkout.js';
import { resolveEnv } from '../../src/env/resolve.js';
import { parseEnvSpec } from '../../src/env/spec.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tvmc-checkout-'));
});

function put(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

describe('readCheckoutVersion', () => {
  it('reads a v0.19 tree (python/tvm/_ffi/libinfo.py)', () => {
    put('python/tvm/_ffi/libinfo.py', 'import os\n\n# current version\n__version__ = "0.19.0"\n');
    expect(readCheckoutVersion(dir)).toMatchObject({ version: '0.19.0', majorMinor: '0.19' });
  });

  it('reads the indented fallback of a newer libinfo.py', () => {
    put('python/tvm/libinfo.py', 'try:\n    from ._version import version as __version__\nexcept ImportError:\n    __version__ = "0.27.0"\n');
    expect(readCheckoutVersion(dir)).toMatchObject({ version: '0.27.0', majorMinor: '0.27' });
  });

  it('prefers the built _version.py', () => {
    put('python/tvm/libinfo.py', '    __version__ = "0.25.dev0"\n');
    put('python/tvm/_version.py', "__version__ = version = '0.25.0'\n");
    const found = readCheckoutVersion(dir);
    expect(found).toMatchObject({ version: '0.25.0', majorMinor: '0.25' });
    expect(found.file).toBe(path.join(dir, 'python/tvm/_version.py'));
  });

  it('names the files it looked for when there is no version', () => {
    put('python/tvm/__init__.py', '');
    expect(() => readCheckoutVersion(dir)).toThrow(UsageError);
    expect(() => readCheckoutVersion(dir)).toThrow(/python\/tvm\/_ffi\/libinfo\.py/);
  });
});

describe('checkout specs', () => {
  it('puts an in-tree tvm-ffi on PYTHONPATH only when its core is built', () => {
    put('3rdparty/tvm-ffi/python/tvm_ffi/__init__.py', '');
    expect(checkoutPythonPath(dir)).toEqual([path.join(dir, 'python')]);
    put('3rdparty/tvm-ffi/python/tvm_ffi/core.cpython-311-x86_64-linux-gnu.so', '');
    expect(checkoutPythonPath(dir)).toEqual([path.join(dir, 'python'), path.join(dir, '3rdparty/tvm-ffi/python')]);
  });

  it('rejects a missing directory, a tree without build/, and a tree without a version', async () => {
    await expect(resolveEnv(parseEnvSpec(`checkout:${dir}/nope`))).rejects.toThrow(UsageError);
    await expect(resolveEnv(parseEnvSpec(`checkout:${dir}`))).rejects.toThrow(/no build\/ folder/);
    mkdirSync(path.join(dir, 'build'));
    await expect(resolveEnv(parseEnvSpec(`checkout:${dir}`))).rejects.toThrow(/no readable TVM version/);
  });
});
