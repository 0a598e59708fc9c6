/**
 * What `compat env build --source` needs to know about a TVM source tree (a folder or a .tar.gz
 * of one) before building it: a digest of its content, its declared version and whether it has
 * microTVM's standalone CRT. Pure apart from reading the tree.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { InputError, UsageError } from '../../errors.js';
import { readCheckoutVersion, VERSION_FILES } from '../checkout.js';

export interface SourceTree {
  kind: 'dir' | 'tarball';
  /** Absolute path of the folder or tarball. */
  path: string;
  /** `__version__` as the tree writes it ("0.10.0", "0.11.dev0"). */
  version: string;
  /** "0.10". */
  majorMinor: string;
  /** sha256 of the content (tarball: its bytes; folder: every file's path, mode and bytes). */
  digest: string;
  /** cmake/modules/StandaloneCrt.cmake exists: USE_MICRO can be on. */
  hasMicro: boolean;
}

/** Not part of a source tree's identity: build outputs and VCS metadata. */
const SKIPPED_DIRS = new Set(['build', '.git', '__pycache__', 'node_modules', '.ccache']);

export async function readSourceTree(source: string): Promise<SourceTree> {
  const abs = path.resolve(source);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new UsageError(`--source ${source}: no such file or folder`);
  }
  if (st.isDirectory()) return readDirTree(abs);
  if (st.isFile() && /\.(tar\.gz|tgz)$/.test(abs)) return readTarball(abs);
  throw new UsageError(`--source ${source}: neither a TVM source folder nor a .tar.gz of one`);
}

function readDirTree(dir: string): SourceTree {
  if (!statSafe(path.join(dir, 'CMakeLists.txt'))) throw new InputError(`--source ${dir}: no CMakeLists.txt; not a TVM source tree`);
  const { version } = readCheckoutVersion(dir);
  return {
    kind: 'dir',
    path: dir,
    version,
    majorMinor: majorMinorOf(version),
    digest: dirDigest(dir),
    hasMicro: statSafe(path.join(dir, 'cmake', 'modules', 'StandaloneCrt.cmake')),
  };
}

/** sha256 over sorted (path, mode bits that matter, content hash) of every file, skipping SKIPPED_DIRS at any depth. */
export function dirDigest(dir: string): string {
  const entries: string[] = [];
  const walk = (rel: string): void => {
    const names = readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const d of names) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (!SKIPPED_DIRS.has(d.name)) walk(r);
      } else if (d.isSymbolicLink()) {
        entries.push(`${r}\0link\0${readlinkSync(path.join(dir, r))}`);
      } else if (d.isFile()) {
        const file = path.join(dir, r);
        const exec = (statSync(file).mode & 0o111) !== 0 ? 'x' : '-';
        entries.push(`${r}\0${exec}\0${createHash('sha256').update(readFileSync(file)).digest('hex')}`);
      }
    }
  };
  walk('');
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}

async function readTarball(file: string): Promise<SourceTree> {
  const digest = await fileDigest(file);
  const list = await execa('tar', ['-tzf', file], { reject: false, stdin: 'ignore', maxBuffer: 256 * 1024 * 1024 });
  if (list.exitCode !== 0) throw new InputError(`--source ${file}: tar cannot list it (${String(list.stderr).split('\n')[0]})`);
  const names = String(list.stdout).split('\n');
  const top = topFolder(names);
  if (!names.includes(`${top}CMakeLists.txt`)) throw new InputError(`--source ${file}: no ${top}CMakeLists.txt; not a TVM source tree`);
  for (const rel of VERSION_FILES) {
    if (!names.includes(`${top}${rel}`)) continue;
    const text = await execa('tar', ['-xzOf', file, `${top}${rel}`], { reject: false, stdin: 'ignore' });
    const version = versionFromText(String(text.stdout));
    if (version) {
      return { kind: 'tarball', path: file, version, majorMinor: majorMinorOf(version), digest, hasMicro: names.includes(`${top}cmake/modules/StandaloneCrt.cmake`) };
    }
  }
  throw new InputError(`--source ${file}: no readable __version__ in ${VERSION_FILES.join(', ')}`);
}

/** "tvm-v0.10.0/" when every member is under one folder (as release tarballs are), else "". */
export function topFolder(names: string[]): string {
  const members = names.filter(Boolean);
  const first = members[0]?.split('/')[0];
  if (!first || !members.every((n) => n === first || n.startsWith(`${first}/`)) || members.length < 2) return '';
  return `${first}/`;
}

export function versionFromText(text: string): string | null {
  const m = /^\s*__version__\s*=\s*(?:version\s*=\s*)?["']([^"']+)["']/m.exec(text);
  return m && /^\d+\.\d+/.test(m[1]!) ? m[1]! : null;
}

function majorMinorOf(version: string): string {
  const m = /^(\d+)\.(\d+)/.exec(version)!;
  return `${m[1]}.${m[2]}`;
}

function fileDigest(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

function statSafe(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}
