/**
 * The target × concern table: for every target the run compared (and every one it did not), what
 * each concern did there: compared on how many models, not available in a build and why, not
 * collected on that target, or not run at all. Pure; the renderers print it.
 */
import type { Concern } from '../concerns/types.js';
import type { Snapshot, StageRecord } from '../probe/snapshot.js';

export interface TargetRow {
  target: string;
  /** Concern id → cell text, e.g. "compared 5", "not available (candidate): no vulkan codegen …". */
  cells: Record<string, string>;
}

interface Tally {
  compared: number;
  /** Which side's stage failed (the model did not import there, a stage error), or the baseline has none. */
  failed: { baseline: number; candidate: number; both: number; 'not in baseline': number };
  unavailable: Map<string, number>;
  /** Made but not run on either side (a library built where no device of its kind is), by reason. */
  notRun: Map<string, number>;
  /** Both stages ok but not compared (they do not pair, or it needed a candidate TVM that did not run), by reason. */
  notCompared: Map<string, number>;
  absent: number;
}

type Cell = StageRecord & { available?: boolean; reason?: string; ran?: boolean; notRunReason?: string };
const stageOf = (s: Snapshot, stage: string): Cell | undefined => (s.stages as Record<string, Cell | undefined>)[stage];

export function targetTable(
  pairs: { base: Snapshot; cand: Snapshot }[],
  concerns: readonly Concern[],
  targets: string[],
  notRun: { target: string; reason: string }[] = [],
): { concerns: string[]; rows: TargetRow[] } {
  const ran = concerns.filter((c) => pairs.some((p) => stageOf(p.cand, c.stage)));
  const rows: TargetRow[] = [];
  for (const target of targets) {
    const mine = pairs.filter((p) => p.cand.target.id === target);
    const cells: Record<string, string> = {};
    for (const c of ran) {
      const t: Tally = { compared: 0, failed: { baseline: 0, candidate: 0, both: 0, 'not in baseline': 0 }, unavailable: new Map(), notRun: new Map(), notCompared: new Map(), absent: 0 };
      for (const { base, cand } of mine) {
        const b = stageOf(base, c.stage);
        const x = stageOf(cand, c.stage);
        if (!x) t.absent++;
        else if (x.available === false || b?.available === false) {
          const why = `${x.available === false ? 'candidate' : 'baseline'}: ${(x.available === false ? x : b)!.reason ?? '?'}`;
          t.unavailable.set(why, (t.unavailable.get(why) ?? 0) + 1);
        } else if (b?.status === 'ok' && x.status === 'ok' && (x.ran === false || b.ran === false)) {
          const why = (x.ran === false ? x : b).notRunReason ?? '?';
          t.notRun.set(why, (t.notRun.get(why) ?? 0) + 1);
        } else if (b?.status === 'ok' && x.status === 'ok') {
          const why = c.notCompared?.(b, x, { baseline: base, candidate: cand });
          if (why) t.notCompared.set(why, (t.notCompared.get(why) ?? 0) + 1);
          else t.compared++;
        }
        else if (!b) t.failed['not in baseline']++;
        else {
          // A candidate stage that only did not run (nothing of the baseline's to consume) is no failure of its own.
          const candidateFailed = b.status === 'ok' ? x.status !== 'ok' : x.status === 'error';
          t.failed[b.status === 'ok' ? 'candidate' : candidateFailed ? 'both' : 'baseline']++;
        }
      }
      const parts: string[] = [];
      if (t.compared) parts.push(`compared ${t.compared}`);
      for (const [side, n] of Object.entries(t.failed)) if (n) parts.push(side === 'not in baseline' ? `not in baseline ${n}` : `${side} failed ${n}`);
      parts.push(...unavailableParts(t.unavailable));
      for (const [why, n] of t.notRun) parts.push(`built, not run ${n} (${why})`);
      for (const [why, n] of t.notCompared) parts.push(`not compared ${n} (${why})`);
      if (t.absent === mine.length && mine.length) parts.push('not collected on this target');
      else if (t.absent) parts.push(`not collected ${t.absent}`);
      cells[c.id] = parts.join('; ') || 'nothing to compare';
    }
    rows.push({ target, cells });
  }
  for (const n of notRun) rows.push({ target: n.target, cells: Object.fromEntries(ran.map((c) => [c.id, `not run: ${n.reason}`])) });
  return { concerns: ran.map((c) => c.id), rows };
}

/**
 * "not available N (why)" per reason; reasons that differ only after their first clause (the C
 * flow's weight cap names each model's megabytes) are counted together, their details left to
 * "Not compared".
 */
function unavailableParts(reasons: Map<string, number>): string[] {
  const head = (why: string) => why.split(':').slice(0, 2).join(':');
  const groups = new Map<string, [string, number][]>();
  for (const [why, n] of reasons) groups.set(head(why), [...(groups.get(head(why)) ?? []), [why, n]]);
  return [...groups].map(([h, list]) =>
    list.length === 1 ? `not available ${list[0]![1]} (${list[0]![0]})` : `not available ${list.reduce((a, [, n]) => a + n, 0)} (${h}: ${list.length} reasons, each under Not compared)`,
  );
}
