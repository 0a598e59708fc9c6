/** What a job's run leaves behind, read by the pool: the snapshot, the files its stages list, and the errors that are not TVM's. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../util/fs.js';
import type { ProbeJob } from './job.js';
import type { Snapshot, StageRecord } from './snapshot.js';

/** Raised for every job once the run is interrupted; nothing after it is a result. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/** Thrown when the probe reports a failure of tvm-compat itself (exit 70): a tool bug, never a TVM result. */
export class ProbeToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeToolError';
  }
}

/** The snapshot of a job in an environment where TVM does not import: the import's record, every stage not run. */
export function importFailed(job: ProbeJob, record: StageRecord): Snapshot {
  const stages: Record<string, StageRecord> = { import: record };
  for (const s of job.stages) stages[s.name] = { status: 'not_run', reason: 'import failed' };
  return {
    schemaVersion: 1,
    probeVersion: 'unknown',
    model: { id: job.model.id, sha256: job.model.sha256, format: job.model.format },
    target: { id: job.target.id, target: job.target.target },
    era: null,
    stages: stages as Snapshot['stages'],
  };
}

/** Gives each file a stage record lists (`files: [{name}]`) its sha256 and size; a listed file that is not there is a tool error. */
export async function describeFiles(snapshot: Snapshot, dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [stage, record] of Object.entries(snapshot.stages)) {
    const list = (record as { files?: { name: string; sha256?: string; bytes?: number }[] } | undefined)?.files;
    for (const f of list ?? []) {
      const path = join(dir, f.name);
      if (f.name.includes('/') || !existsSync(path)) throw new ProbeToolError(`the ${stage} stage of ${snapshot.model.id} lists a file it did not write: ${f.name}`);
      const bytes = await readFile(path);
      f.sha256 = sha256(bytes);
      f.bytes = bytes.length;
      out.set(f.sha256, path);
    }
  }
  return out;
}

/** The snapshot a job wrote, or null where it wrote none (or half of one). */
export async function readSnapshot(file: string): Promise<Snapshot | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  } catch {
    return null;
  }
}
