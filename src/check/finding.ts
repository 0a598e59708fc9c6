import { getRule } from '../rules/registry.js';
import type { Finding } from '../rules/types.js';

/** Builds a finding with its rule's default severity (policy may change it later). */
export function finding(rule: string, fields: Omit<Finding, 'rule' | 'severity'>): Finding {
  return { rule, severity: getRule(rule).severity, ...fields };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The one order every renderer shows findings in. */
export function sortFindings(findings: Finding[]): Finding[] {
  const rank = { breaking: 0, warning: 1, info: 2 } as const;
  return [...findings].sort(
    (a, b) =>
      rank[a.severity] - rank[b.severity] ||
      cmp(a.model, b.model) ||
      cmp(a.target, b.target) ||
      cmp(a.rule, b.rule) ||
      cmp(a.subject, b.subject) ||
      cmp(JSON.stringify(a.args), JSON.stringify(b.args)),
  );
}
