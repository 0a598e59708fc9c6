/** What a finding means for a user upgrading from the baseline to the candidate. */
export type Severity = 'breaking' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['breaking', 'warning', 'info'];

/** The folder of src/ that owns a rule: a concern's id, or the probe itself. */
export type RuleOwner = 'probe' | 'frontend' | 'hash-keys' | 'ir-snapshots' | 'artifacts' | 'tuning-records';

export interface Finding {
  /** Rule id: public API, stable across releases. */
  rule: string;
  severity: Severity;
  /** Corpus model id, or "*" for a finding about the whole environment. */
  model: string;
  /** Target id, or "*". */
  target: string;
  /** What the finding is about inside the model: a task name, a stage, a tuning system. */
  subject: string;
  /** Values the rule's message and upgrade note are filled from. */
  args: Record<string, string | number | boolean>;
  /** Text that explains the finding, e.g. a unified diff of the text a key is computed over. */
  evidence?: { diff?: string; baseline?: string; candidate?: string };
}

export interface RuleDefinition {
  id: string;
  concern: RuleOwner;
  severity: Severity;
  /** Short title for tables. */
  title: string;
  /** One-line message; `{model}`, `{target}`, `{subject}` and `{arg}` placeholders are filled in. */
  message: string;
  /** Why it matters, for docs and SARIF help. */
  explain: string;
  /** What a user must do after upgrading; same placeholders as message. */
  upgradeNote: string;
}

export function defineRule(rule: RuleDefinition): RuleDefinition {
  return rule;
}

/** Builds a finding of a rule (the rule itself, not its id: a typo cannot compile), with its default severity. */
export function finding(rule: RuleDefinition, fields: Omit<Finding, 'rule' | 'severity'>): Finding {
  return { rule: rule.id, severity: rule.severity, ...fields };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The one order every renderer shows findings in. */
export function sortFindings(findings: Finding[]): Finding[] {
  const rank = { breaking: 0, warning: 1, info: 2 } as const satisfies Record<Severity, number>;
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
