/**
 * The committed table of TVM releases this tool can provision (releases.json),
 * and the rules for turning a version the user typed into one table entry.
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { InfraError, InputError, UsageError } from '../errors.js';
import { envAsset } from './assets.js';

/** One row of releases.json. */
export interface Release {
  /** Full semver version of the TVM release, e.g. "0.27.0". */
  version: string;
  /** Which IR generation the release is built around. */
  era: 'relay' | 'relax';
  /** Exact pip requirements that install it; pinned so a later resolve cannot drift. */
  requirements: string[];
  /** False when no wheels can be installed on this kind of machine. */
  installable: boolean;
  /** Why the release is not installable (completes "cannot be installed here: …"). */
  reason?: string;
  /** Python versions its wheels support, when narrower than the host's (informational). */
  python?: string;
  /** Why a pin or package was chosen; not used by the code. */
  note?: string;
}

const ERAS = new Set(['relay', 'relax']);
let cached: Release[] | undefined;

export function loadReleases(): Release[] {
  if (!cached) cached = parseReleases(readFileSync(envAsset('releases.json'), 'utf8'));
  return cached;
}

/** Validates the table; a broken table is a repository bug, reported as bad input. */
export function parseReleases(text: string): Release[] {
  const data: unknown = JSON.parse(text);
  if (!Array.isArray(data)) throw new InputError('releases.json: expected an array');
  const rows = data.map((row: unknown, i) => checkRow(row, i));
  return rows.sort((a, b) => semver.compare(a.version, b.version));
}

function checkRow(row: unknown, i: number): Release {
  const where = `releases.json[${i}]`;
  if (typeof row !== 'object' || row === null) throw new InputError(`${where}: expected an object`);
  const r = row as Record<string, unknown>;
  if (typeof r.version !== 'string' || !semver.valid(r.version)) throw new InputError(`${where}: bad version`);
  if (typeof r.era !== 'string' || !ERAS.has(r.era)) throw new InputError(`${where}: bad era`);
  if (!Array.isArray(r.requirements) || !r.requirements.every((x) => typeof x === 'string')) {
    throw new InputError(`${where}: requirements must be strings`);
  }
  if (typeof r.installable !== 'boolean') throw new InputError(`${where}: installable must be boolean`);
  for (const key of ['reason', 'python', 'note'] as const) {
    if (r[key] !== undefined && typeof r[key] !== 'string') throw new InputError(`${where}: ${key} must be a string`);
  }
  if (!r.installable && typeof r.reason !== 'string') throw new InputError(`${where}: not installable needs a reason`);
  return row as Release;
}

/** "0.19" → the highest 0.19.x entry; "0.19.0" → exactly that entry. */
export function resolveRelease(versionRange: string): Release {
  const releases = loadReleases();
  const wanted = versionRange.replace(/^v/, '');
  const range = semver.validRange(wanted);
  const match = range ? semver.maxSatisfying(releases.map((r) => r.version), range) : null;
  const release = releases.find((r) => r.version === match);
  if (!release) {
    throw new UsageError(
      `unknown TVM release "${versionRange}"; known releases: ${releases.map(describe).join(', ')}`,
    );
  }
  if (!release.installable) {
    throw new InfraError(
      `TVM v${shortVersion(release.version)} cannot be installed here: ${release.reason}; ` +
        'run it in a container (docker:IMAGE or podman:IMAGE, an image that has it) or pass python:/path/to/a/python/with/tvm',
    );
  }
  return release;
}

/** The newest installable release: the default candidate. */
export function newestRelease(): Release {
  const installable = loadReleases().filter((r) => r.installable);
  const newest = installable[installable.length - 1];
  if (!newest) throw new InputError('releases.json has no installable release');
  return newest;
}

/** "0.19.0" → "0.19". */
export function shortVersion(version: string): string {
  const v = semver.parse(version);
  return v ? `${v.major}.${v.minor}` : version;
}

function describe(r: Release): string {
  return r.installable ? `v${r.version}` : `v${r.version} (not installable)`;
}
