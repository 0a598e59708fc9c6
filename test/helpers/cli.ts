import { execa } from 'execa';
import { resolve } from 'node:path';
import { packageRoot } from '../../src/paths.js';

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs the built CLI as a user would: a separate process, real TVM, real exit code. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const r = await execa('node', [resolve(packageRoot, 'dist', 'cli.js'), ...args], { reject: false, env, cwd: packageRoot, stdin: 'ignore' });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}

export interface JsonReport {
  findings: { rule: string; severity: string; model: string; target: string; subject: string; args: Record<string, unknown>; evidence?: { diff?: string } }[];
  models: { model: string; target: string; stages: Record<string, string>; keys?: { baselineTasks: number; candidateTasks: number; survived: number; share: number } }[];
  verdict: 'breaking' | 'incomplete' | 'compatible';
  skipped: { model: string; target: string; check: string; code: string; args: Record<string, unknown> }[];
  preExisting: { model: string; stage: string }[];
  summary: { breaking: number; warning: number; info: number; incomplete: number };
}

export function countByRule(report: JsonReport): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of report.findings) counts[f.rule] = (counts[f.rule] ?? 0) + 1;
  return counts;
}
