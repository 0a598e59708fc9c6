/**
 * Builds a `checkout:`-style TVM tree (DIR/python/tvm + DIR/build) out of an
 * installed release env, so tests can exercise checkout specs and patch TVM's
 * Python sources without compiling TVM.
 *
 * Wheel layouts handled:
 *  - xtc-tvm-python-bindings 0.19: site-packages/tvm/{libtvm.so,libtvm_runtime.so}, whose
 *    RUNPATH is `$ORIGIN:$ORIGIN/../llvm/lib`, with LLVM in site-packages/llvm/lib;
 *  - apache-tvm 0.25+: site-packages/tvm/lib/libtvm_*.so (LLVM linked in statically).
 */
import { cp, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../errors.js';
import type { PythonEnv } from './resolve.js';

/** Large non-Python folders of the wheel: linked, not copied, as nothing patches them. */
const LINKED_DIRS = new Set(['3rdparty', 'src', 'include', 'lib64', 'jvm', 'rust', 'web', 'golang']);
const LIB_RE = /^libtvm.*\.so(\.\d+)*$/;

/** Returns destDir, now holding python/tvm (a patchable copy), build/ (the libraries) and llvm/ when the wheel has one. */
export async function makeCheckoutFromEnv(releaseEnv: PythonEnv, destDir: string): Promise<string> {
  if (releaseEnv.container) {
    // The copy would live on the host but its libraries need the image's; patch inside an image instead.
    throw new UsageError(`env checkout copies a host environment; for ${releaseEnv.label} build a patched image: compat env build vX.Y --patch FILE`);
  }
  const tvmDir = await packageDir(releaseEnv, 'tvm');
  const sitePackages = path.dirname(tvmDir);
  const dest = path.resolve(destDir);
  const pyDest = path.join(dest, 'python', 'tvm');
  const build = path.join(dest, 'build');
  await rm(dest, { recursive: true, force: true });
  await mkdir(build, { recursive: true });
  await mkdir(pyDest, { recursive: true });

  for (const entry of await readdir(tvmDir, { withFileTypes: true })) {
    const from = path.join(tvmDir, entry.name);
    const to = path.join(pyDest, entry.name);
    if (entry.isDirectory() && LINKED_DIRS.has(entry.name)) await symlink(from, to);
    else if (entry.isDirectory() && entry.name === 'lib') await linkLibraries(from, build);
    else if (entry.isFile() && LIB_RE.test(entry.name)) await symlink(from, path.join(build, entry.name));
    else if (entry.name !== '__pycache__') await cp(from, to, { recursive: true, filter: (src) => !src.endsWith('__pycache__') });
  }

  // libtvm.so's RUNPATH $ORIGIN/../llvm/lib, seen from DIR/build, needs DIR/llvm.
  const llvm = path.join(sitePackages, 'llvm');
  if (existsSync(path.join(llvm, 'lib'))) await symlink(llvm, path.join(dest, 'llvm'));
  return dest;
}

async function linkLibraries(libDir: string, build: string): Promise<void> {
  for (const name of await readdir(libDir)) {
    if (LIB_RE.test(name)) await symlink(path.join(libDir, name), path.join(build, name));
  }
}

/** Finds an installed package's folder without importing it (importing TVM costs seconds). */
async function packageDir(env: PythonEnv, name: string): Promise<string> {
  const code = `import importlib.util as u; s = u.find_spec(${JSON.stringify(name)}); print(list(s.submodule_search_locations)[0])`;
  const { stdout } = await execa(env.python, ['-c', code], { env: { ...env.env, PYTHONPATH: '' } });
  return stdout.trim();
}
