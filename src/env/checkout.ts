/**
 * Reads what a TVM source tree says its version is, so a `checkout:` spec can
 * borrow the Python dependencies of the matching release env.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** Where trees of each generation keep `__version__`, best first (paths relative to the tree). */
export const VERSION_FILES = [
  'python/tvm/_version.py', // written by setuptools_scm at build time (0.25+)
  'python/tvm/libinfo.py', // 0.21+ source fallback
  'python/tvm/_ffi/libinfo.py', // ≤ 0.20
  'version.py', // the release script at the tree root
];

const VERSION_RE = /^\s*__version__\s*=\s*(?:version\s*=\s*)?["']([^"']+)["']/m;

/** The version a checkout declares. */
export interface CheckoutVersion {
  /** As written, e.g. "0.19.0", "0.25.dev0", "0.27.0.post1". */
  version: string;
  /** "0.19". */
  majorMinor: string;
  /** Absolute path of the file it was read from. */
  file: string;
}

export function readCheckoutVersion(dir: string): CheckoutVersion {
  for (const rel of VERSION_FILES) {
    const file = path.join(dir, rel);
    if (!existsSync(file)) continue;
    const found = VERSION_RE.exec(readFileSync(file, 'utf8'));
    const mm = found ? /^(\d+)\.(\d+)/.exec(found[1]!) : null;
    if (found && mm) return { version: found[1]!, majorMinor: `${mm[1]}.${mm[2]}`, file };
  }
  throw new UsageError(
    `checkout:${dir} has no readable TVM version: looked for __version__ = "X.Y…" in ${VERSION_FILES.join(', ')}`,
  );
}

/** The PYTHONPATH entries a source tree needs (TVM's own, plus an in-tree built tvm-ffi when present). */
export function checkoutPythonPath(dir: string): string[] {
  const entries = [path.join(dir, 'python')];
  const ffi = path.join(dir, '3rdparty', 'tvm-ffi', 'python');
  // Only an in-tree tvm_ffi whose Cython core was built can replace the wheel's.
  if (existsSync(path.join(ffi, 'tvm_ffi')) && hasBuiltCore(path.join(ffi, 'tvm_ffi'))) entries.push(ffi);
  return entries;
}

function hasBuiltCore(pkg: string): boolean {
  try {
    return readdirSync(pkg).some((n) => n.startsWith('core') && n.endsWith('.so'));
  } catch {
    return false;
  }
}
