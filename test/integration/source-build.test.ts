/**
 * `compat env build --source` for real, sized for CI (2 cores, 90 minutes for everything): the
 * TVM runtime library only (`--targets runtime`) of the v0.10.0 release tree, compiled in the
 * builder container with ccache kept in the tool's cache, so a machine that keeps the cache
 * recompiles nothing. Then a one-line C++ error in a copy of the tree: exit 3 naming the file
 * and the compiler's first error. The full builds (libtvm.so, the image) take 30–60 min on 2
 * cores and are made when a baseline is made (docs/source-builds.md), not here.
 *
 * The release tree comes from $TVM_COMPAT_TVM_SOURCE or ../shared/tvm-src/tvm-v0.10.0.tar.gz
 * (these machines cannot reach GitHub); without it the file is skipped, and says so.
 */
import { existsSync, statSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { runCli } from '../helpers/cli.js';

const TARBALL = process.env.TVM_COMPAT_TVM_SOURCE ?? resolve(packageRoot, '..', 'shared', 'tvm-src', 'tvm-v0.10.0.tar.gz');
const have = existsSync(TARBALL) && statSync(TARBALL).isFile();
if (!have) console.warn(`source-build.test.ts skipped: no TVM source tarball at ${TARBALL} (set TVM_COMPAT_TVM_SOURCE)`);

describe.skipIf(!have)('env build --source (runtime library of v0.10.0)', () => {
  let dir: string;
  const seconds: Record<string, number> = {};
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'source-build-'));
  });
  afterAll(async () => {
    console.log(`source-build timings (s): ${JSON.stringify(seconds)}`);
    await rm(dir, { recursive: true, force: true });
  });

  it('builds libtvm_runtime.so from the tarball, then finds it without compiling', async () => {
    let t = Date.now();
    const first = await runCli(['env', 'build', 'v0.10', '--source', TARBALL, '--targets', 'runtime']);
    seconds.first = (Date.now() - t) / 1000;
    expect(first.exitCode, first.stderr).toBe(0);
    const out = first.stdout.trim();
    expect(existsSync(join(out, 'build', 'libtvm_runtime.so'))).toBe(true);
    expect(existsSync(join(out, 'python', 'tvm', '__init__.py'))).toBe(true);
    expect(first.stderr).toMatch(/TVM 0\.10\.0 \(tarball, sha256 817aa60b8ab0\)/);
    // A machine that kept the tool's cache (CI's does) reuses the tree on the first call too.
    expect(first.stderr).toMatch(/compiling TVM 0\.10\.0|reusing the compiled tree/);
    // The configure flags are those of the recipe, whichever run compiled the tree.
    const cache = await readFile(join(out, 'build', 'CMakeCache.txt'), 'utf8');
    expect(cache).toMatch(/^USE_VULKAN:\w+=ON$/m);
    expect(cache).toMatch(/^USE_LLVM:\w+=\/usr\/bin\/llvm-config-14$/m);
    expect(cache).toMatch(/^USE_MICRO:\w+=ON$/m);
    // A library that loads: its exported C API is there.
    const nm = await execa('nm', ['-D', '--defined-only', join(out, 'build', 'libtvm_runtime.so')], { reject: false });
    if (nm.exitCode === 0) expect(String(nm.stdout)).toMatch(/\bTVMFuncCall\b/);

    t = Date.now();
    const again = await runCli(['env', 'build', '--source', TARBALL, '--targets', 'runtime']);
    seconds.again = (Date.now() - t) / 1000;
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(out);
    expect(again.stderr).toMatch(/reusing the compiled tree/);
    expect(again.stderr).not.toMatch(/compiling TVM/);
  });

  it('a tree whose version is not the one asked for is a usage error', async () => {
    // Decided from the tree alone: no container engine is asked (this one does not exist).
    const r = await runCli(['env', 'build', 'v0.11', '--source', TARBALL, '--targets', 'runtime', '--cli', 'no-such-engine']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/is TVM 0\.10\.0, not v0\.11/);
  });

  it('a one-line C++ error is an infrastructure error naming the file and the first compiler error', async () => {
    const tree = join(dir, 'tvm-pr');
    await execa('tar', ['-xzf', TARBALL, '-C', dir]);
    // verbatimSymlinks: the tree's relative links (apps/microtvm/…/qemu-system-arm) must stay relative inside the build container.
    await cp(join(dir, 'tvm-v0.10.0'), tree, { recursive: true, verbatimSymlinks: true });
    const file = join(tree, 'src', 'runtime', 'registry.cc');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('  func_ = f;\n', '  func_ = f; undeclared_in_this_pr = 1;\n'));
    const t = Date.now();
    const r = await runCli(['env', 'build', '--source', tree, '--targets', 'runtime']);
    seconds.broken = (Date.now() - t) / 1000;
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/did not build \(src\/runtime\/registry\.cc\): src\/runtime\/registry\.cc:\d+:\d+: error: 'undeclared_in_this_pr' was not declared/);
    expect(r.stderr).toMatch(/full log: \S+build\.log/);
  });

  it('checkout:DIR with no build/ says how to build it', async () => {
    const r = await runCli(['env', 'inspect', '--tvm', `checkout:${join(dir, 'tvm-v0.10.0')}`]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/has no build\/ folder/);
    expect(r.stderr).toMatch(/compat env build --source /);
  });
});
