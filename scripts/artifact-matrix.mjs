#!/usr/bin/env node
/**
 * The compiler × runtime matrix of compiled libraries over stored release baselines, measured by
 * the tool itself: for every pair of releases (older as baseline, newer as candidate) one
 * `compat check --artifacts`, which runs the baseline's libraries in the candidate's runtime and
 * the candidate's in the baseline's (made again from its spec). Prints one table per model and
 * target: rows are the compiler, columns the runtime, each cell what that check's report says.
 *
 * Usage: node scripts/artifact-matrix.mjs [--releases v0.19,v0.25,v0.26,v0.27] [--only a,b]
 *        [--target llvm] [--baselines DIR] [--timings FILE.jsonl] [--out FILE.md]
 * Needs `npm run build`. Each check provisions (or reuses) its release's venv.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    releases: { type: 'string', default: 'v0.19,v0.25,v0.26,v0.27' },
    only: { type: 'string' },
    target: { type: 'string', default: 'llvm' },
    out: { type: 'string' },
    baselines: { type: 'string' },
    timings: { type: 'string' },
  },
});
const releases = values.releases.split(',');
const dir = mkdtempSync(join(tmpdir(), 'artifact-matrix-'));
/** cells[model/target][compiler][runtime] = text */
const cells = new Map();
const runs = [];

const put = (key, compiler, runtime, text) => {
  if (!cells.has(key)) cells.set(key, {});
  const row = (cells.get(key)[compiler] ??= {});
  row[runtime] ??= text;
};

for (let i = 0; i < releases.length; i++) {
  for (let j = i + 1; j < releases.length; j++) {
    const [base, cand] = [releases[i], releases[j]];
    const out = join(dir, `${base}-${cand}.json`);
    const args = ['dist/cli.js', 'check', '--against', base, '--tvm', cand, '--artifacts', '--no-ir', '--no-tuning', '--target', values.target, '--format', 'json', '--output', out, '-q'];
    if (values.only) args.push('--only', values.only);
    if (values.baselines) args.push('--baselines', values.baselines);
    if (values.timings) args.push('--timings', values.timings);
    const t0 = Date.now();
    let code = 0;
    try {
      execFileSync('node', args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (err) {
      code = err.status ?? -1;
    }
    const seconds = (Date.now() - t0) / 1000;
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const rules = [...new Set(report.findings.filter((f) => f.rule.startsWith('library') || f.rule.startsWith('build-outputs')).map((f) => `${f.rule} (${f.severity})`))];
    runs.push({ base, cand, code, verdict: report.verdict, seconds, rules });
    for (const m of report.models) {
      const a = m.artifacts;
      if (!a) continue;
      const key = `${m.model}/${m.target}`;
      put(key, base, base, a.baselineOnBaseline);
      put(key, cand, cand, a.candidateOnCandidate);
      put(key, base, cand, a.baselineOnCandidate);
      put(key, cand, base, a.candidateOnBaseline);
    }
  }
}

const lines = ['# Compiled libraries: compiler × runtime', '', `Measured ${new Date().toISOString().slice(0, 10)} by \`node scripts/artifact-matrix.mjs --releases ${values.releases} --target ${values.target}\`.`, ''];
lines.push('| baseline → candidate | exit | verdict | seconds | artifact rules that fired |', '|---|---|---|---|---|');
for (const r of runs) lines.push(`| ${r.base} → ${r.cand} | ${r.code} | ${r.verdict} | ${r.seconds.toFixed(0)} | ${r.rules.join(', ') || 'none'} |`);
lines.push('', 'A blank cell: the model does not import in one of the two releases (nothing was built or run).');
for (const [key, m] of [...cells.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  lines.push('', `## ${key}`, '', `| compiler ↓ / runtime → | ${releases.join(' | ')} |`, `|---|${releases.map(() => '---').join('|')}|`);
  for (const c of releases) lines.push(`| ${c} | ${releases.map((r) => (m[c]?.[r] ?? '').replace(/\|/g, '\\|')).join(' | ')} |`);
}
const text = `${lines.join('\n')}\n`;
if (values.out) writeFileSync(values.out, text);
process.stdout.write(text);
