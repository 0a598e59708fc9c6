import type { CheckResult } from '../check/types.js';
import { formatMessage } from '../check/rules.js';

/** The whole result plus each finding's message; no timings or dates, so equal runs give equal bytes. */
export function renderJson(result: CheckResult): string {
  const findings = result.findings.map((f) => ({ ...f, message: formatMessage(f) }));
  return `${JSON.stringify({ reportVersion: 1, ...result, findings }, null, 2)}\n`;
}
