import type { CheckResult } from '../check/types.js';
import { formatMessage } from '../check/rules.js';
import { getRule } from '../check/rules.js';
import type { Column } from '../concerns/types.js';
import { bySeverity, clip, concernTables, envFoldText, foldEnvironment, GROUP_AT, groupFindings, headline, listSubjects, SEVERITY_HEADINGS, verdict, where } from './common.js';
import { skipText } from './skips.js';

export interface TextOptions {
  /** Lines of each diff to show; 0 hides diffs. */
  diffLines?: number;
}

export function renderText(result: CheckResult, opts: TextOptions = {}): string {
  const diffLines = opts.diffLines ?? 12;
  const out: string[] = [`tvm-compat ${result.tool.version}: ${headline(result)}`];
  out.push(`${result.corpus.models} models × ${result.corpus.targets.join(', ')}`, '');
  if (result.targets.rows.length > 1 || result.corpus.notRun?.length) {
    out.push('Targets (what each concern compared there)');
    const w = Math.max(...result.targets.concerns.map((c) => c.length));
    for (const r of result.targets.rows) {
      out.push(`  ${r.target}`);
      for (const c of result.targets.concerns) out.push(`    ${c.padEnd(w)}  ${r.cells[c] ?? ''}`);
    }
    out.push('');
  }
  if (result.environment.length) {
    out.push('Environment changes');
    for (const c of foldEnvironment(result.environment)) out.push(`  ${'parent' in c ? `${c.parent}: ${envFoldText(c)}` : `${c.path}: ${c.baseline ?? '(none)'} → ${c.candidate ?? '(none)'}`}`);
    out.push('');
  }
  for (const [severity, list] of bySeverity(result.findings)) {
    if (!list.length) continue;
    out.push(`${SEVERITY_HEADINGS[severity]} (${list.length})`);
    for (const group of groupFindings(list)) {
      if (group.findings.length >= GROUP_AT && !group.findings.some((f) => f.evidence?.diff)) {
        out.push(`  ${group.where}  [${group.rule}]  ${group.findings.length} × ${getRule(group.rule).title}: ${listSubjects(group.findings)}`);
        continue;
      }
      for (const f of group.findings) {
        out.push(`  ${where(f)}  [${f.rule}]  ${formatMessage(f)}`);
        if (f.evidence?.diff && diffLines > 0) out.push(...clip(f.evidence.diff, diffLines).map((l) => `      ${l}`));
      }
    }
    out.push('');
  }
  for (const table of concernTables(result.models)) {
    out.push(table.title.text);
    const w = Math.max(5, ...table.rows.map((r) => `${r.model}/${r.target}`.length));
    const width = (c: Column) => c.width ?? c.title.length;
    const pad = (c: Column, v: string) => (typeof c.format === 'function' ? v : v.padStart(width(c)));
    out.push(`  ${'model'.padEnd(w)}  ${table.columns.map((c) => pad(c, c.title)).join('  ')}`);
    for (const r of table.rows) out.push(`  ${`${r.model}/${r.target}`.padEnd(w)}  ${table.columns.map((c, i) => pad(c, r.values[i]!)).join('  ')}`);
    out.push('');
  }
  if (result.preExisting.length) {
    out.push(`Failing in both, not counted against the candidate (${result.preExisting.length})`);
    for (const p of result.preExisting) out.push(`  ${p.model}/${p.target}  ${p.stage}: ${p.candidateError}`);
    out.push('');
  }
  if (result.skipped.length) {
    out.push(`Not compared (${result.skipped.length})`);
    for (const s of result.skipped) out.push(`  ${s.model}/${s.target}  ${s.check}: ${skipText(s)}`);
    out.push('');
  }
  out.push(verdict(result));
  return `${out.join('\n')}\n`;
}
