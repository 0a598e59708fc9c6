import { resolve } from 'node:path';
import { describeEnv, prepareEnv } from '../check/prepare.js';
import { buildReleaseImage } from '../env/container/build.js';
import { findContainerCli } from '../env/container/cli.js';
import { makeCheckoutFromEnv } from '../env/make-checkout.js';
import { resolveRelease } from '../env/releases.js';
import { cacheRoot } from '../env/resolve.js';
import { parseEnvSpec } from '../env/spec.js';
import { UsageError } from '../errors.js';
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
  /** A release of the table: "v0.19", "0.27.0". */
  release: string;
  /** Container CLI binary (name or path); its flavour is read from its --version. */
  cli: string;
  /** A TVM source patch (python/tvm/… paths) applied on top of the release image. */
  patch?: string;
  cacheDir?: string;
}

/** Builds (or finds) the image of a release and returns its tag, alone on a line, for scripts. */
export async function envBuild(flags: BuildFlags, onMessage: (text: string) => void): Promise<string> {
  const spec = parseEnvSpec(flags.release);
  if (spec.kind !== 'release') throw new UsageError(`env build takes a release such as v0.19, not "${flags.release}"`);
  const release = resolveRelease(spec.version);
  const cli = await findContainerCli(flags.cli);
  const built = await buildReleaseImage(cli, release, { cacheDir: flags.cacheDir ?? cacheRoot(), patchFile: flags.patch, onProgress: onMessage });
  onMessage(`${built.reused ? 'reused' : 'built'} ${built.tag} (${cli.flavour} ${cli.serverVersion}) in ${built.seconds.toFixed(1)} s; use --tvm ${cli.flavour}:${built.tag}`);
  return `${built.tag}\n`;
}
