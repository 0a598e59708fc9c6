import { createBaseline, type CreateResult } from '../check/create-baseline.js';
import { CompatError } from '../errors.js';
import { listBaselines, readBaseline } from '../baseline/store.js';
import type { ProgressEvent } from '../check/prepare.js';
import type { CommonFlags } from './flags.js';

export interface CreateFlags extends CommonFlags {
  tvm: string;
  name?: string;
  add?: boolean;
}

export function baselineCreate(flags: CreateFlags, onProgress: (e: ProgressEvent) => void, signal?: AbortSignal): Promise<CreateResult> {
  return createBaseline({ ...flags, onProgress, signal });
}

export function renderCreated(r: CreateResult): string {
  const outcomes = Object.entries(r.outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const crashed = r.crashed.length ? `; the probe crashed or timed out on ${r.crashed.length} (${r.crashed.join(', ')}): checks against those are incomplete` : '';
  const added = r.added === undefined ? '' : `${r.added} added, `;
  return `baseline ${r.name} written to ${r.dir}: ${added}${r.snapshots} snapshots (${outcomes}) in ${r.seconds.toFixed(1)} s${crashed}\n`;
}

/**
 * One line per stored baseline: name, TVM version and commit, snapshot count. A baseline that does
 * not read is a line with its error, and in `problems`: one bad folder hides none of the others.
 */
export function baselineList(dir: string): { text: string; problems: string[] } {
  const problems: string[] = [];
  const rows = listBaselines(dir).map((name) => {
    try {
      const { manifest } = readBaseline(dir, name);
      const fp = manifest.fingerprint;
      return `${name}\tTVM ${fp.tvmVersion}\t${fp.gitCommit?.slice(0, 8) ?? '-'}\t${manifest.snapshots.length} snapshots\t${manifest.env.spec}`;
    } catch (err) {
      if (!(err instanceof CompatError)) throw err;
      problems.push(err.message);
      return `${name}\tunreadable: ${err.message}`;
    }
  });
  return { text: rows.length ? `${rows.join('\n')}\n` : `no baselines in ${dir}\n`, problems };
}
