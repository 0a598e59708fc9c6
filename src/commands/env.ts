import { resolve } from 'node:path';
import { prepareEnv } from '../check/prepare.js';
import { makeCheckoutFromEnv } from '../env/make-checkout.js';
import { toJson } from '../util/fs.js';

export interface EnvFlags {
  tvm?: string;
  cacheDir?: string;
}

/** The fingerprint and capabilities of an environment, as JSON. */
export async function envInspect(flags: EnvFlags, onMessage: (text: string) => void): Promise<string> {
  const { env, info } = await prepareEnv(flags.tvm, { cacheDir: flags.cacheDir, onMessage });
  return toJson({ label: env.label, python: env.python, env: env.env, ...info });
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
