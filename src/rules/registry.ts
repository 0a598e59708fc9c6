import { FRONTEND_RULES } from '../frontend/rules.js';
import { HASH_KEY_RULES } from '../hash-keys/rules.js';
import { IR_RULES } from '../ir-snapshots/rules.js';
import { PROBE_RULES } from '../probe/rules.js';
import type { Finding, RuleDefinition } from './types.js';

/** Every rule, once. Rule ids are public API: deprecate, never delete. */
export const RULES: readonly RuleDefinition[] = [...PROBE_RULES, ...FRONTEND_RULES, ...HASH_KEY_RULES, ...IR_RULES];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function getRule(id: string): RuleDefinition {
  const rule = byId.get(id);
  if (!rule) throw new Error(`unknown rule "${id}"`);
  return rule;
}

function fill(template: string, f: Finding): string {
  const values: Record<string, string | number | boolean> = { ...f.args, model: f.model, target: f.target, subject: f.subject };
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}

export const formatMessage = (f: Finding): string => fill(getRule(f.rule).message, f);
