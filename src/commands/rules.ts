import { allRules } from '../check/rules.js';

export function rulesList(): string {
  return `${allRules().map((r) => `${r.id}\t${r.concern}\t${r.severity}\t${r.title}`).join('\n')}\n`;
}
