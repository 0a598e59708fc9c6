import { dependencyHealth, type Health } from '../env/deps.js';
import { formatMessage, formatUpgradeNote } from '../check/rules.js';
import { resolve } from 'node:path';
import { describeEnv, prepareEnv } from '../check/prepare.js';
import { buildReleaseImage } from '../env/container/build.js';
import { findContainerCli, type ContainerCli } from '../env/container/cli.js';
import { buildFromSource } from '../env/container/source-build.js';
import { makeCheckoutFromEnv } from '../env/make-checkout.js';
import { resolveRelease } from '../env/releases.js';
import { cacheRoot } from '../env/resolve.js';
import { parseEnvSpec } from '../env/spec.js';
import { EXIT_CODES, UsageError } from '../errors.js';
import { toJson } from '../util/fs.js';

export interface EnvFlags {
  tvm?: string;
  cacheDir?: string;
}

/** The fingerprint and capabilities of an environment, as JSON. */
export async function envInspect(flags: EnvFlags, onMessage: (text: string) => void): Promise<string> {
  const { env } = await prepareEnv(flags.tvm, { cacheDir: flags.cacheDir, onMessage });
  const info = await describeEnv(env, onMessage);
  const container = env.container && {
    cli: env.container.cli.binary,
    engine: `${env.container.cli.flavour} ${env.container.cli.serverVersion}`,
    image: env.container.image,
    imageId: env.container.imageId,
  };
  return toJson({ label: env.label, python: env.python, env: env.env, ...(container ? { container } : {}), ...info });
}

/**
 * A checkout:-style tree (python/tvm copy + build/ libraries) made from an installed release, so
 * that a change to TVM's Python (TOPI, Relay passes) can be checked without building TVM.
 */
export async function envCheckout(flags: EnvFlags, dir: string, onMessage: (text: string) => void): Promise<string> {
  const { env } = await prepareEnv(flags.tvm, { cacheDir: flags.cacheDir, onMessage });
  const dest = await makeCheckoutFromEnv(env, resolve(dir));
  return `checkout of ${env.label} written to ${dest}; use --tvm checkout:${dest}\n`;
}

export interface BuildFlags {
  /** A release of the table: "v0.19", "0.27.0"; with `source`, optional: the version the tree must be. */
  release?: string;
  /** A TVM source tree (folder or .tar.gz) to build TVM from. */
  source?: string;
  /** With `source`: ninja targets to build instead of everything, and no image (e.g. "runtime"). */
  targets?: string[];
  /** With `source`: ninja -j. */
  jobs?: number;
  /** Container CLI binary (name or path); its flavour is read from its --version. */
  cli: string;
  /** A TVM source patch (python/tvm/… paths) applied on top of the release image. */
  patch?: string;
  cacheDir?: string;
}

/** Builds (or finds) the image of a release and returns its tag, alone on a line, for scripts. */
export async function envBuild(flags: BuildFlags, onMessage: (text: string) => void): Promise<string> {
  if (flags.source) return envBuildSource(flags, flags.source, onMessage);
  if (flags.targets?.length) throw new UsageError('--targets needs --source');
  if (!flags.release) throw new UsageError('env build takes a release such as v0.19, or --source DIR|TARBALL');
  const spec = parseEnvSpec(flags.release);
  if (spec.kind !== 'release') throw new UsageError(`env build takes a release such as v0.19, not "${flags.release}"`);
  const release = resolveRelease(spec.version);
  const cli = await findContainerCli(flags.cli);
  const built = await buildReleaseImage(cli, release, { cacheDir: flags.cacheDir ?? cacheRoot(), patchFile: flags.patch, onProgress: onMessage });
  onMessage(`${built.reused ? 'reused' : 'built'} ${built.tag} (${cli.flavour} ${cli.serverVersion}) in ${built.seconds.toFixed(1)} s; use --tvm ${cli.flavour}:${built.tag}`);
  return `${built.tag}\n`;
}

/** `env build --source`: TVM compiled from a tree into an image; prints the tag (or the output folder for --targets). */
async function envBuildSource(flags: BuildFlags, source: string, onMessage: (text: string) => void): Promise<string> {
  if (flags.patch) throw new UsageError('--patch applies to release images; with --source, change the tree itself');
  let expectVersion: string | undefined;
  if (flags.release) {
    const spec = parseEnvSpec(flags.release);
    const mm = spec.kind === 'release' ? /^(\d+)\.(\d+)/.exec(spec.version) : null;
    if (!mm) throw new UsageError(`env build --source takes an optional release such as v0.10, not "${flags.release}"`);
    expectVersion = `${mm[1]}.${mm[2]}`;
  }
  let cli: ContainerCli | undefined;
  const built = await buildFromSource(async () => (cli = await findContainerCli(flags.cli)), source, {
    cacheDir: flags.cacheDir ?? cacheRoot(),
    targets: flags.targets,
    jobs: flags.jobs,
    expectVersion,
    onProgress: onMessage,
  });
  if (!built.tag) {
    onMessage(`${built.compiledBefore ? 'found' : 'built'} ${flags.targets!.join(', ')} of TVM ${built.tree.version} in ${built.seconds.toFixed(1)} s`);
    return `${built.output}\n`;
  }
  onMessage(`${built.reused ? 'reused' : 'built'} ${built.tag} (TVM ${built.tree.version}, ${cli!.flavour} ${cli!.serverVersion}) in ${built.seconds.toFixed(1)} s; use --tvm ${cli!.flavour}:${built.tag}`);
  return `${built.tag}\n`;
}

/** `env deps`: 0 when every declared range only admits versions that work, 1 when one admits a breaking version. */
export async function envDeps(flags: { tvm: string; cacheDir?: string; format: 'text' | 'json' }, onMessage: (text: string) => void): Promise<{ text: string; exitCode: number }> {
  const r = await dependencyHealth(flags.tvm, { cacheDir: flags.cacheDir, onMessage });
  const exitCode = r.findings.length ? EXIT_CODES.breaking : EXIT_CODES.clean;
  if (flags.format === 'json') return { text: toJson(r), exitCode };
  const health = (h: Health) => (!h.import.ok ? `import fails: ${h.import.error}` : !h.save_json.ok ? `imports; save_json of a TIR Var fails: ${h.save_json.error}` : 'imports, save_json works');
  const lines = [
    `${r.dist} ${r.version} (${r.release}) declares: ${r.declared.join(', ')}`,
    `  pinned as the release table says: ${health(r.pinned)}`,
    `  unpinned install (${Object.entries(r.unpinned.versions).map(([k, v]) => `${k} ${v ?? '-'}`).join(', ')}): ${health(r.unpinned.health)}`,
    ...r.trials.map((t) => `  ${t.dependency} ${t.admitted} (newest admitted by ${t.declared}; pinned ${t.pinned}), the rest pinned: ${health(t.health)}`),
    '',
    ...(r.findings.length ? r.findings.map((f) => `warning [${f.rule}] ${formatMessage(f)}\n  ${formatUpgradeNote(f)}`) : ['every declared range admits only versions that work']),
  ];
  return { text: `${lines.join('\n')}\n`, exitCode };
}
