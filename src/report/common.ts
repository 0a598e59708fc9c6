import type { CheckResult, ModelResult } from '../check/types.js';
import { CONCERNS } from '../check/concerns.js';
import type { Column } from '../concerns/types.js';
import type { Finding, Severity } from '../rules/types.js';
import type { Verdict } from '../check/types.js';
import type { EnvChange } from '../check/environment.js';

export const SEVERITY_HEADINGS = {
  breaking: 'Breaking',
  warning: 'Warnings',
  info: 'Info',
} as const satisfies Record<Severity, string>;

export const VERDICT_WORDS = {
  breaking: 'BREAKING',
  incomplete: 'INCOMPLETE',
  compatible: 'COMPATIBLE',
} as const satisfies Record<Verdict, string>;

export function verdict(result: CheckResult): string {
  const { breaking, warning, info, incomplete } = result.summary;
  const counts = `${breaking} breaking, ${warning} warning${warning === 1 ? '' : 's'}, ${info} info`;
  const missing = `${incomplete} comparison${incomplete === 1 ? '' : 's'} could not be made (marked [incomplete] under Not compared)`;
  if (result.verdict === 'incomplete') return `${VERDICT_WORDS.incomplete}: ${missing}; ${counts}`;
  return `${VERDICT_WORDS[result.verdict]}: ${counts}${incomplete ? `; ${missing}` : ''}`;
}

export function headline(result: CheckResult): string {
  const b = result.baseline;
  const c = result.candidate;
  return `candidate ${c.label} (TVM ${c.tvmVersion}) against baseline ${b.name} (TVM ${b.tvmVersion})`;
}

export const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

export const where = (f: Finding): string => (f.model === '*' ? (f.target === '*' ? 'all models' : `all models/${f.target}`) : `${f.model}/${f.target}`);

export interface Table {
  title: { text: string; markdown: string };
  columns: Column[];
  rows: { model: string; target: string; values: string[] }[];
}

const cell = (c: Column, stats: Record<string, unknown>): string => {
  const v = stats[c.key];
  if (c.format === 'count') return String(v);
  if (c.format === 'percent') return percent(Number(v));
  return c.format(v);
};

/** Each concern's per-model table, from the figures its diff left under its result key; only tables with rows. */
export function concernTables(models: ModelResult[]): Table[] {
  return CONCERNS.flatMap((concern) => {
    const t = concern.table;
    if (!t) return [];
    const results = models.filter((m) => m[t.resultKey] !== undefined);
    const statsOf = (m: ModelResult) => m[t.resultKey] as Record<string, unknown>;
    const columns = t.columns.filter((c) => !c.optional || results.some((m) => statsOf(m)[c.key] !== undefined));
    const rows = results.map((m) => ({ model: m.model, target: m.target, values: columns.map((c) => cell(c, statsOf(m))) }));
    return rows.length ? [{ title: t.title, columns, rows }] : [];
  });
}

export function bySeverity(findings: Finding[]): [Severity, Finding[]][] {
  return (Object.keys(SEVERITY_HEADINGS) as Severity[]).map((s) => [s, findings.filter((f) => f.severity === s)]);
}

/** Lines of a diff, cut to `max` with a note of how many were left out. */
export function clip(text: string, max: number): string[] {
  const lines = text.split('\n');
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max), `… ${lines.length - max} more lines (full diff in --format json)`];
}

export interface FindingGroup {
  rule: string;
  where: string;
  findings: Finding[];
}

/**
 * Consecutive findings of one rule on one model, so that 57 moved keys read as one line with a
 * list rather than 57 lines. Findings are already sorted by severity, model, target and rule.
 */
export function groupFindings(findings: Finding[]): FindingGroup[] {
  const groups: FindingGroup[] = [];
  for (const f of findings) {
    const last = groups.at(-1);
    if (last && last.rule === f.rule && last.where === where(f)) last.findings.push(f);
    else groups.push({ rule: f.rule, where: where(f), findings: [f] });
  }
  return groups;
}

/** "a, b, c, … and 12 more" */
export const listSubjects = (findings: Finding[], max = 8): string => listNames(findings.map((f) => f.subject), max);

/** "A, B, … and 81 more": the first `max` names and a count of the rest. */
function listNames(names: string[], max = 8): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … and ${names.length - max} more` : shown;
}

/** Groups this large are shown as one line of subjects instead of one line per finding. */
export const GROUP_AT = 4;

/** An environment change as shown: one field, or the fields of one parent that only one side reports. */
export type EnvLine = EnvChange | { parent: string; onlyIn: 'baseline' | 'candidate'; fields: string[] };

/**
 * Folds one-sided fields of one parent into a line when there are GROUP_AT or more: v0.19's
 * libinfo has 104 fields and 0.25's wheels report 15, so a check across them would otherwise
 * print 89 lines of "X: OFF → (none)" before the first finding. Fields both sides report stay one
 * line each, in the order given (sorted by path).
 */
export function foldEnvironment(changes: EnvChange[]): EnvLine[] {
  type Group = { parent: string; onlyIn: 'baseline' | 'candidate'; members: EnvChange[] };
  const byKey = new Map<string, Group>();
  const groupOf = new Map<EnvChange, Group>();
  for (const c of changes) {
    const dot = c.path.indexOf('.');
    const onlyIn = c.candidate === null ? 'baseline' : c.baseline === null ? 'candidate' : undefined;
    if (dot <= 0 || !onlyIn) continue;
    const parent = c.path.slice(0, dot);
    const key = `${parent} ${onlyIn}`;
    if (!byKey.has(key)) byKey.set(key, { parent, onlyIn, members: [] });
    const g = byKey.get(key)!;
    g.members.push(c);
    groupOf.set(c, g);
  }
  return changes.flatMap((c): EnvLine[] => {
    const g = groupOf.get(c);
    if (!g || g.members.length < GROUP_AT) return [c];
    return g.members[0] === c ? [{ parent: g.parent, onlyIn: g.onlyIn, fields: g.members.map((m) => m.path.slice(g.parent.length + 1)) }] : [];
  });
}

/** "89 fields only the baseline reports: A, B, … and 81 more" (of libinfo) */
export const envFoldText = (l: Extract<EnvLine, { parent: string }>): string => `${l.fields.length} fields only the ${l.onlyIn} reports: ${listNames(l.fields)}`;
