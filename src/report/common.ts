import type { CheckResult, ModelResult } from '../check/types.js';
import type { Finding, Severity } from '../rules/types.js';

export const SEVERITY_HEADINGS = {
  breaking: 'Breaking',
  warning: 'Warnings',
  info: 'Info',
} as const satisfies Record<Severity, string>;

export function verdict(result: CheckResult): string {
  const { breaking, warning, info } = result.summary;
  const word = breaking ? 'BREAKING' : 'COMPATIBLE';
  return `${word}: ${breaking} breaking, ${warning} warning${warning === 1 ? '' : 's'}, ${info} info`;
}

export function headline(result: CheckResult): string {
  const b = result.baseline;
  const c = result.candidate;
  return `candidate ${c.label} (TVM ${c.tvmVersion}) against baseline ${b.name} (TVM ${b.tvmVersion})`;
}

export const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

export const where = (f: Finding): string => (f.model === '*' ? 'all models' : `${f.model}/${f.target}`);

/** Rows of the per-model key table: only models where both sides extracted tasks. */
export function keyRows(models: ModelResult[]): (ModelResult & { keys: NonNullable<ModelResult['keys']> })[] {
  return models.filter((m): m is ModelResult & { keys: NonNullable<ModelResult['keys']> } => m.keys !== undefined);
}

export function irRows(models: ModelResult[]): (ModelResult & { ir: NonNullable<ModelResult['ir']> })[] {
  return models.filter((m): m is ModelResult & { ir: NonNullable<ModelResult['ir']> } => m.ir !== undefined);
}

/** "import equal, optimized fails" — what became of the baseline's save_json in the candidate. */
export const jsonLoadText = (load: NonNullable<ModelResult['ir']>['jsonLoad']): string =>
  Object.entries(load)
    .map(([phase, result]) => `${phase} ${result}`)
    .join(', ') || 'not tried';

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
export function listSubjects(findings: Finding[], max = 8): string {
  const names = findings.map((f) => f.subject);
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … and ${names.length - max} more` : shown;
}

/** Groups this large are shown as one line of subjects instead of one line per finding. */
export const GROUP_AT = 4;
