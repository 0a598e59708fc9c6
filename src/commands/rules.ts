import { RULES } from '../rules/registry.js';

export function rulesList(): string {
  return `${RULES.map((r) => `${r.id}\t${r.concern}\t${r.severity}\t${r.title}`).join('\n')}\n`;
}
