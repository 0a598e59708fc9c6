/**
 * Dependency health of a release (`compat env deps vX.Y`): does the dependency range the release
 * declares admit a version that breaks it? Found by trying, not from a list: the release is
 * installed unpinned (what `pip install apache-tvm==X` gets today), every declared dependency that
 * resolves to another version than the release table's pin is tried alone in the pinned
 * environment, and TVM is exercised in each (import, then save_json of a TIR Var, which
 * MetaSchedule's JSON database needs) in child processes.
 */
import { resolveRelease, type Release } from './releases.js';
import { runPython } from './run-python.js';
import { envAsset } from './assets.js';
import { provisionVenv } from './venv-cache.js';
import { BASE_ENV, cacheRoot, type PythonEnv } from './resolve.js';
import { parseEnvSpec } from './spec.js';
import { InfraError, UsageError } from '../errors.js';
import { dependencyRangeAdmitsBroken } from '../tuning-records/rules.js';
import { finding, type Finding } from '../rules/types.js';

export interface Health {
  import: { ok: boolean; error?: string };
  save_json: { ok: boolean; error?: string };
}

export interface DependencyTrial {
  dependency: string;
  /** The declared requirement, e.g. "apache-tvm-ffi>=0.1.12". */
  declared: string;
  pinned: string;
  /** What the declared range resolves to today. */
  admitted: string;
  health: Health;
}

export interface DepsResult {
  release: string;
  dist: string;
  version: string;
  declared: string[];
  pinned: Health;
  unpinned: { versions: Record<string, string | null>; health: Health };
  trials: DependencyTrial[];
  findings: Finding[];
}

const nameOf = (req: string): string => req.trim().split(/[\s<>=!~;[(]/, 1)[0]!;
const norm = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');
const firstError = (h: Health): string | undefined => (!h.import.ok ? `import tvm: ${h.import.error}` : !h.save_json.ok ? `tvm.ir.save_json of a TIR Var: ${h.save_json.error}` : undefined);

async function py<T>(python: string, args: string[]): Promise<T> {
  const env: PythonEnv = { spec: parseEnvSpec(`python:${python}`), label: python, python, env: { ...BASE_ENV } };
  const out = await runPython(env, envAsset('deps.py'), args, { env: env.env, timeoutMs: 15 * 60_000 });
  const last = out.stdout.trim().split('\n').pop() ?? '';
  if (out.exitCode !== 0 || !last.startsWith('{')) throw new InfraError(`${python}: deps.py ${args[0]} failed: ${out.stderr.trim().split('\n').pop() ?? out.startError ?? 'no output'}`);
  return JSON.parse(last) as T;
}

export async function dependencyHealth(spec: string, opts: { cacheDir?: string; onMessage?: (text: string) => void } = {}): Promise<DepsResult> {
  const parsed = parseEnvSpec(spec);
  if (parsed.kind !== 'release') throw new UsageError(`${spec}: env deps checks a release of the table (vX.Y): its declared ranges against its pins`);
  const release: Release = resolveRelease(parsed.version);
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const say = opts.onMessage ?? (() => undefined);
  const [tvmReq, ...rest] = release.requirements;
  const dist = nameOf(tvmReq!);
  say(`v${release.version}: the table's pins: ${release.requirements.join(' ')}`);
  const pinnedPython = await provisionVenv(release.requirements, cacheDir, say);
  const declared = await py<{ version: string; requires: string[]; versions: Record<string, string | null> }>(pinnedPython, ['declared', dist]);
  const pinned = await py<Health>(pinnedPython, ['health']);
  say(`v${release.version}: unpinned install: ${tvmReq}`);
  const unpinnedPython = await provisionVenv([tvmReq!], cacheDir, say);
  const unpinnedDeclared = await py<{ versions: Record<string, string | null> }>(unpinnedPython, ['declared', dist]);
  const unpinnedHealth = await py<Health>(unpinnedPython, ['health']);
  const trials: DependencyTrial[] = [];
  for (const req of declared.requires) {
    const name = nameOf(req);
    const was = declared.versions[name];
    const admitted = unpinnedDeclared.versions[name];
    if (!admitted || admitted === was) continue;
    // The pinned environment with this one dependency at the newest version its range admits.
    const swapped = release.requirements.filter((r) => norm(nameOf(r)) !== norm(name)).concat(`${name}==${admitted}`);
    say(`v${release.version}: trying ${name}==${admitted} (declared ${req}, pinned ${was ?? 'not pinned'})`);
    const health = await py<Health>(await provisionVenv(swapped, cacheDir, say), ['health']);
    trials.push({ dependency: name, declared: req, pinned: was ?? '', admitted, health });
  }
  const findings = firstError(pinned)
    ? []
    : trials.flatMap((t) => {
        const error = firstError(t.health);
        if (!error) return [];
        const range = t.declared.slice(nameOf(t.declared).length).trim() || ' (any version)';
        return [
          finding(dependencyRangeAdmitsBroken, {
            model: '*',
            target: '*',
            subject: t.dependency,
            args: { package: dist, version: declared.version, dependency: t.dependency, range, admitted: t.admitted, error, working: t.pinned },
          }),
        ];
      });
  return { release: `v${release.version}`, dist, version: declared.version, declared: declared.requires, pinned, unpinned: { versions: unpinnedDeclared.versions, health: unpinnedHealth }, trials, findings };
}
