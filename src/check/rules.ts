import { CONCERNS } from './concerns.js';
import { PROBE_RULES } from '../probe/rules.js';
import type { Finding, RuleDefinition } from '../rules/types.js';

/**
 * Every rule, once: the probe's and each registered concern's. Rule ids are public API:
 * deprecate, never delete.
 */
let byId: Map<string, RuleDefinition> | undefined;

export function allRules(): readonly RuleDefinition[] {
  return [...PROBE_RULES, ...CONCERNS.flatMap((c) => c.rules)];
}

export function getRule(id: string): RuleDefinition {
  byId ??= new Map(allRules().map((r) => [r.id, r]));
  const rule = byId.get(id);
  if (!rule) throw new Error(`unknown rule "${id}"`);
  return rule;
}

function fill(template: string, f: Finding): string {
  const values: Record<string, string | number | boolean> = { ...f.args, model: f.model, target: f.target, subject: f.subject };
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}

export const formatMessage = (f: Finding): string => fill(getRule(f.rule).message, f);
export const formatUpgradeNote = (f: Finding): string => fill(getRule(f.rule).upgradeNote, f);
