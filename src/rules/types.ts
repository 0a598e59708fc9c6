/** What a finding means for a user upgrading from the baseline to the candidate. */
export type Severity = 'breaking' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['breaking', 'warning', 'info'];

/** The folder of src/ that owns a rule. */
export type Concern = 'probe' | 'frontend' | 'hash-keys' | 'ir-snapshots';

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
  concern: Concern;
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
