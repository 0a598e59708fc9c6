import type { CheckResult, Verdict } from '../check/types.js';
import { formatMessage } from '../check/rules.js';
import { getRule } from '../check/rules.js';
import { bySeverity, clip, concernTables, envFoldText, foldEnvironment, GROUP_AT, groupFindings, headline, listSubjects, SEVERITY_HEADINGS, verdict, where } from './common.js';
import { skipText } from './skips.js';

const VERDICT_ICONS = { breaking: '❌', incomplete: '⚠️', compatible: '✅' } as const satisfies Record<Verdict, string>;

const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Lines of one diff shown in a comment. */
const DIFF_LINES = 40;
/** Characters of diffs in one comment: GitHub refuses comments over 65,536 characters. */
const DIFF_BUDGET = 40_000;

/** What a comment may hold: GitHub refuses one over 65,536 characters. */
const COMMENT_LIMIT = 64_000;

/**
 * A PR comment: verdict first, findings in tables, diffs folded, clipped, and within GitHub's size
 * limit: the diffs give way first, then the end of the comment is cut, saying so.
 */
export function renderMarkdown(result: CheckResult): string {
  const first = render(result, DIFF_BUDGET);
  if (first.length <= COMMENT_LIMIT) return first;
  const second = render(result, Math.max(0, DIFF_BUDGET - (first.length - COMMENT_LIMIT)));
  if (second.length <= COMMENT_LIMIT) return second;
  const note = `\n_The rest of this report is cut to stay under GitHub's comment limit (${second.length} characters in all): the whole report is in \`--format text\` or \`--format json\`._\n`;
  return `${second.slice(0, second.lastIndexOf('\n', COMMENT_LIMIT - note.length))}\n${note}`;
}

function render(result: CheckResult, diffChars: number): string {
  const budget = { chars: diffChars };
  const out: string[] = [`## tvm-compat: ${VERDICT_ICONS[result.verdict]} ${verdict(result)}`, ''];
  out.push(`${headline(result)}; ${result.corpus.models} models × ${result.corpus.targets.join(', ')}.`, '');
  if (result.targets.rows.length > 1 || result.corpus.notRun?.length) {
    out.push(`| target | ${result.targets.concerns.join(' | ')} |`, `|---|${result.targets.concerns.map(() => '---|').join('')}`);
    for (const r of result.targets.rows) out.push(`| ${r.target} | ${result.targets.concerns.map((c) => (r.cells[c] ?? '').replace(/\|/g, '\\|')).join(' | ')} |`);
    out.push('');
  }
  for (const [severity, list] of bySeverity(result.findings)) {
    if (!list.length) continue;
    out.push(`### ${SEVERITY_HEADINGS[severity]} (${list.length})`, '', '| where | rule | finding |', '|---|---|---|');
    for (const group of groupFindings(list)) {
      if (group.findings.length >= GROUP_AT) {
        out.push(`| ${esc(group.where)} | \`${group.rule}\` | ${group.findings.length} × ${esc(getRule(group.rule).title)}: ${esc(listSubjects(group.findings, 12))} |`);
      } else for (const f of group.findings) out.push(`| ${esc(where(f))} | \`${f.rule}\` | ${esc(formatMessage(f))} |`);
    }
    out.push('');
    const withDiff = list.filter((f) => f.evidence?.diff);
    if (withDiff.length) {
      out.push(`<details><summary>Diffs (${withDiff.length})</summary>`, '');
      const left: string[] = [];
      for (const f of withDiff) {
        const diff = clip(f.evidence?.diff ?? '', DIFF_LINES).join('\n');
        if (budget.chars < diff.length) {
          left.push(`${where(f)}: ${f.subject}`);
          continue;
        }
        budget.chars -= diff.length;
        out.push(`**${esc(where(f))}: ${esc(f.subject)}**`, '', '```diff', diff, '```', '');
      }
      if (left.length) out.push(`${left.length} more diffs not shown, to keep the comment under GitHub's size limit (all of them are in \`--format json\`): ${esc(left.slice(0, 20).join(', '))}${left.length > 20 ? ', …' : ''}`, '');
      out.push('</details>', '');
    }
  }
  if (result.environment.length) {
    out.push(`<details><summary>Environment changes (${result.environment.length})</summary>`, '', '| field | baseline | candidate |', '|---|---|---|');
    for (const c of foldEnvironment(result.environment)) {
      out.push('parent' in c ? `| ${c.parent} | ${esc(envFoldText(c))} | |` : `| ${c.path} | ${esc(c.baseline ?? '')} | ${esc(c.candidate ?? '')} |`);
    }
    out.push('', '</details>', '');
  }
  for (const table of concernTables(result.models)) {
    const align = table.columns.map((c) => (typeof c.format === 'function' ? '---' : '--:'));
    out.push(`### ${table.title.markdown}`, '', `| model | target | ${table.columns.map((c) => c.markdown).join(' | ')} |`, `|---|---|${align.join('|')}|`);
    for (const r of table.rows) out.push(`| ${r.model} | ${r.target} | ${r.values.map(esc).join(' | ')} |`);
    out.push('');
  }
  if (result.preExisting.length) {
    out.push('### Failing in both (not counted)', '', '| where | stage | candidate error |', '|---|---|---|');
    for (const p of result.preExisting) out.push(`| ${p.model}/${p.target} | ${p.stage} | ${esc(p.candidateError)} |`);
    out.push('');
  }
  if (result.skipped.length) {
    out.push('### Not compared', '', '| where | check | reason |', '|---|---|---|');
    for (const s of result.skipped) out.push(`| ${s.model}/${s.target} | ${s.check} | ${esc(skipText(s))} |`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
