import type { ProbeJob } from './job.js';
import type { Snapshot, StageName, StageRecord } from './snapshot.js';

/**
 * The stage a hard crash (signal, timeout, lost worker) happened in: the last one the probe started
 * ("@@stage NAME") and did not finish ("@@done NAME"). A crash after a stage finished is blamed on
 * none of them: it becomes the next stage's, or the probe's own ("after NAME").
 */
export function crashedStage(log: string): { stage: StageName | null; after: string | null } {
  let running: string | null = null;
  let finished: string | null = null;
  for (const m of log.matchAll(/^@@(stage|done) (\w+)$/gm)) {
    if (m[1] === 'stage') running = m[2]!;
    else if (m[2] === running) {
      finished = running;
      running = null;
    }
  }
  return { stage: running as StageName | null, after: finished };
}

export function readTimings(log: string): Record<string, number> {
  const line = log.match(/^@@timings (.*)$/m)?.[1];
  try {
    return line ? (JSON.parse(line) as Record<string, number>) : {};
  } catch {
    return {};
  }
}

/**
 * Marks the stage that was running as failed and every later stage as not run; stages that had
 * finished keep their records. With no stage running, the first stage that has no record yet is
 * the one that never got to finish.
 */
export function recordCrash(partial: Snapshot | null, job: ProbeJob, log: string, why: string): Snapshot {
  const snapshot: Snapshot = partial ?? {
    schemaVersion: 1,
    probeVersion: 'unknown',
    model: { id: job.model.id, sha256: job.model.sha256, format: job.model.format },
    target: { id: job.target.id, target: job.target.target },
    era: null,
    stages: { import: { status: 'not_run', reason: 'probe did not report' } },
  };
  const stages = snapshot.stages as Record<string, StageRecord>;
  const order: StageName[] = ['import', ...job.stages.map((s) => s.name)];
  const { stage: running, after } = crashedStage(log);
  const at = running ? order.indexOf(running) : order.findIndex((name) => !stages[name] || stages[name]!.status === 'not_run');
  const tail = log
    .split('\n')
    .filter((l) => !l.startsWith('@@'))
    .join('\n')
    .slice(-4000);
  const stage = order[at] ?? null;
  const during = running ? `during ${running}` : after ? `after ${after} finished` : 'before any stage';
  const crashed: StageRecord = { status: 'error', type: 'ProbeCrash', message: `probe process ${why} ${during}`, detail: tail };
  if (stage === null) {
    // Every stage had finished: the crash lost nothing of the snapshot.
    return snapshot;
  }
  order.forEach((name, i) => {
    if (i === at) stages[name] = crashed;
    else if (i > at) stages[name] = { status: 'not_run', reason: `${stage} did not finish` };
  });
  return snapshot;
}
