import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  cmakeOptions,
  formatElapsed,
  parseBuildFailure,
  parseCcacheStats,
  parseProgress,
  pinsFor,
  sourceKeys,
} from '../../src/env/container/source-build.js';
import { dirDigest, readSourceTree, topFolder, versionFromText } from '../../src/env/container/source-tree.js';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'source-build');
const recipes = { builder: 'FROM x\n', script: 'ninja\n', image: 'FROM y\n' };
const keys = (over: Partial<Parameters<typeof sourceKeys>[0]> = {}) =>
  sourceKeys({ tree: { digest: 'a'.repeat(64), version: '0.10.0' }, options: ['-DUSE_LLVM=ON'], base: 'tvm-compat/base:b', pins: ['numpy==1.23.5'], recipes, ...over });

describe('source build tags', () => {
  it('names the image by version and a key, and is stable', () => {
    const k = keys();
    expect(k.tag).toMatch(/^tvm-compat\/tvm-src:0\.10\.0-[0-9a-f]{12}$/);
    expect(keys()).toEqual(k);
    expect(k.builderTag).toMatch(/^tvm-compat\/source-builder:[0-9a-f]{12}$/);
  });

  it('a changed tree, option, script or base makes a new build and a new tag', () => {
    const k = keys();
    for (const other of [
      keys({ tree: { digest: 'b'.repeat(64), version: '0.10.0' } }),
      keys({ options: ['-DUSE_LLVM=OFF'] }),
      keys({ recipes: { ...recipes, script: 'ninja -v\n' } }),
      keys({ recipes: { ...recipes, builder: 'FROM z\n' } }),
      keys({ base: 'tvm-compat/base:c' }),
    ]) {
      expect(other.buildKey).not.toBe(k.buildKey);
      expect(other.tag).not.toBe(k.tag);
    }
  });

  it('changed pins or image recipe make a new image of the same compiled tree', () => {
    const k = keys();
    for (const other of [keys({ pins: ['numpy==1.24.0'] }), keys({ recipes: { ...recipes, image: 'FROM w\n' } })]) {
      expect(other.buildKey).toBe(k.buildKey);
      expect(other.tag).not.toBe(k.tag);
    }
  });

  it('a version string is made tag-safe', () => {
    expect(keys({ tree: { digest: 'a'.repeat(64), version: '0.11.dev0+g1234' } }).tag).toMatch(/:0\.11\.dev0_g1234-/);
  });
});

describe('source build config', () => {
  it('has one configuration: LLVM 14, Vulkan, graph and AOT executors, no libbacktrace; micro where the tree has it', () => {
    const o = cmakeOptions({ hasMicro: true });
    expect(o).toEqual(expect.arrayContaining(['-DUSE_LLVM=/usr/bin/llvm-config-14', '-DUSE_VULKAN=ON', '-DUSE_MICRO=ON', '-DUSE_GRAPH_EXECUTOR=ON', '-DUSE_AOT_EXECUTOR=ON', '-DUSE_LIBBACKTRACE=OFF', '-DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON']));
    expect(cmakeOptions({ hasMicro: false })).not.toContain('-DUSE_MICRO=ON');
  });

  it('pins numpy < 2 for v0.10/v0.11 and refuses a version it has no pins for', () => {
    expect(pinsFor({ majorMinor: '0.10', version: '0.10.0', path: '/t' })).toContain('numpy==1.23.5');
    expect(pinsFor({ majorMinor: '0.11', version: '0.11.dev0', path: '/t' })).toContain('onnx==1.13.1');
    expect(pinsFor({ majorMinor: '0.18', version: '0.18.0', path: '/t' })).toContain('numpy==1.26.4');
    expect(() => pinsFor({ majorMinor: '0.21', version: '0.21.0', path: '/t' })).toThrow(UsageError);
  });
});

describe('source build output', () => {
  it('reads ninja progress as source-build.sh asks for it', () => {
    expect(parseProgress('[25/764 215.649s] Building CXX object CMakeFiles/tvm_objs.dir/src/auto_scheduler/search_policy/search_policy.cc.o')).toEqual({ done: 25, total: 764, seconds: 215.649 });
    expect(parseProgress('-- Build with Vulkan support')).toBeNull();
    expect(formatElapsed(1713.4)).toBe('28:33');
  });

  it('reads the ccache line', () => {
    expect(parseCcacheStats('x\nccache: cache_miss=700 direct_cache_hit=50 preprocessed_cache_hit=14 \n')).toEqual({ ccacheHits: 64, ccacheMisses: 700 });
    expect(parseCcacheStats('no stats')).toEqual({ ccacheHits: null, ccacheMisses: null });
  });

  it('names the file and the first compiler error of a real failed compile', () => {
    const log = readFileSync(path.join(fixtures, 'compile-error.log'), 'utf8');
    const f = parseBuildFailure(log);
    expect(f.file).toBe('src/runtime/registry.cc');
    expect(f.error).toMatch(/^src\/runtime\/registry\.cc:\d+:\d+: error: /);
  });
});

describe('source trees', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'src-tree-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a folder: version, micro, and a digest that ignores build/ but sees every source byte', async () => {
    mkdirSync(path.join(dir, 'python', 'tvm', '_ffi'), { recursive: true });
    mkdirSync(path.join(dir, 'cmake', 'modules'), { recursive: true });
    writeFileSync(path.join(dir, 'CMakeLists.txt'), 'project(tvm)\n');
    writeFileSync(path.join(dir, 'python', 'tvm', '_ffi', 'libinfo.py'), '__version__ = "0.10.0"\n');
    writeFileSync(path.join(dir, 'cmake', 'modules', 'StandaloneCrt.cmake'), '\n');
    const tree = await readSourceTree(dir);
    expect(tree).toMatchObject({ kind: 'dir', version: '0.10.0', majorMinor: '0.10', hasMicro: true });
    mkdirSync(path.join(dir, 'build'));
    writeFileSync(path.join(dir, 'build', 'libtvm.so'), 'x');
    expect(dirDigest(dir)).toBe(tree.digest);
    writeFileSync(path.join(dir, 'CMakeLists.txt'), 'project(tvm) \n');
    expect(dirDigest(dir)).not.toBe(tree.digest);
  });

  it('reads a release tarball the user passes', async () => {
    const tarball = '/work/shared/tvm-src/tvm-v0.10.0.tar.gz';
    let exists = true;
    try {
      readFileSync(tarball, { flag: 'r' }).length;
    } catch {
      exists = false;
    }
    if (!exists) return; // only on machines that hold the release trees
    const tree = await readSourceTree(tarball);
    expect(tree).toMatchObject({ kind: 'tarball', version: '0.10.0', majorMinor: '0.10', hasMicro: true, digest: '817aa60b8ab04d21bcbda0d8126d9b67cbbe136d656e76f0e9763ed4b08bfa26' });
  });

  it('finds the single top folder of a tarball listing and a version line', () => {
    expect(topFolder(['tvm-v0.10.0/', 'tvm-v0.10.0/CMakeLists.txt', ''])).toBe('tvm-v0.10.0/');
    expect(topFolder(['CMakeLists.txt', 'python/'])).toBe('');
    expect(versionFromText('# x\n__version__ = "0.11.dev0"\n')).toBe('0.11.dev0');
    expect(versionFromText('__version__ = version = "0.25.dev1"')).toBe('0.25.dev1');
    expect(versionFromText('nothing')).toBeNull();
  });

  it('refuses what is not a tree', async () => {
    await expect(readSourceTree(path.join(dir, 'nope'))).rejects.toThrow(UsageError);
    writeFileSync(path.join(dir, 'x.zip'), 'x');
    await expect(readSourceTree(path.join(dir, 'x.zip'))).rejects.toThrow(UsageError);
  });
});
