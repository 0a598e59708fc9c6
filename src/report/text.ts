import type { CheckResult } from '../check/types.js';
import { formatMessage } from '../rules/registry.js';
import { getRule } from '../rules/registry.js';
import { bySeverity, clip, GROUP_AT, groupFindings, headline, irRows, jsonLoadText, keyRows, listSubjects, percent, SEVERITY_HEADINGS, verdict, where } from './common.js';

export interface TextOptions {
  /** Lines of each diff to show; 0 hides diffs. */
  diffLines?: number;
}

export function renderText(result: CheckResult, opts: TextOptions = {}): string {
  const diffLines = opts.diffLines ?? 12;
  const out: string[] = [`tvm-compat ${result.tool.version}: ${headline(result)}`];
  out.push(`${result.corpus.models} models × ${result.corpus.targets.join(', ')}`, '');
  if (result.environment.length) {
    out.push('Environment changes');
    for (const c of result.environment) out.push(`  ${c.path}: ${c.baseline ?? '(none)'} → ${c.candidate ?? '(none)'}`);
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
  const rows = keyRows(result.models);
  if (rows.length) {
    out.push('Tuning-record keys that survived (baseline tasks whose record key is unchanged)');
    const w = Math.max(5, ...rows.map((r) => `${r.model}/${r.target}`.length));
    out.push(`  ${'model'.padEnd(w)}  baseline  candidate  survived   share  weighted`);
    for (const r of rows) {
      const k = r.keys;
      out.push(
        `  ${`${r.model}/${r.target}`.padEnd(w)}  ${String(k.baselineTasks).padStart(8)}  ${String(k.candidateTasks).padStart(9)}  ${String(k.survived).padStart(8)}  ${percent(k.share).padStart(6)}  ${percent(k.weightedShare).padStart(8)}`,
      );
    }
    out.push('');
  }
  const ir = irRows(result.models);
  if (ir.length) {
    out.push('IR functions that print differently, and what the candidate decided (printer churn, IR change, undecided)');
    const w = Math.max(5, ...ir.map((r) => `${r.model}/${r.target}`.length));
    out.push(`  ${'model'.padEnd(w)}  compared  changed  printer  IR  undecided  baseline JSON`);
    for (const r of ir) {
      const s = r.ir;
      out.push(
        `  ${`${r.model}/${r.target}`.padEnd(w)}  ${String(s.compared).padStart(8)}  ${String(s.changed).padStart(7)}  ${String(s.printerOnly).padStart(7)}  ${String(s.irChanged).padStart(2)}  ${String(s.undecided).padStart(9)}  ${jsonLoadText(s.jsonLoad)}`,
      );
    }
    out.push('');
  }
  if (result.preExisting.length) {
    out.push(`Failing in both, not counted against the candidate (${result.preExisting.length})`);
    for (const p of result.preExisting) out.push(`  ${p.model}/${p.target}  ${p.stage}: ${p.candidateError}`);
    out.push('');
  }
  if (result.skipped.length) {
    out.push(`Not compared (${result.skipped.length})`);
    for (const s of result.skipped) out.push(`  ${s.model}/${s.target}  ${s.check}: ${s.reason}`);
    out.push('');
  }
  out.push(verdict(result));
  return `${out.join('\n')}\n`;
}
