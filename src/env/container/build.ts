/**
 * `compat env build`: a tagged image of a release from the release table, built from the era's
 * recipe in containers/ on the local base image, optionally with a TVM source patch on top.
 * Tags are named by content (release, recipe, build args, base; patch), so a second call finds
 * its image and any change to those builds a new one.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError, UsageError } from '../../errors.js';
import { packageRoot } from '../../paths.js';
import { withDirLock } from '../lock.js';
import type { Release } from '../releases.js';
import { ensureBaseImage, run, seconds } from './base-image.js';
import type { ContainerCli } from './cli.js';
import { inspectImage, LABELS } from './image-info.js';

export const RECIPES = {
  relay: 'relay.Containerfile',
  relax: 'relax.Containerfile',
} as const satisfies Record<Release['era'], string>;

export const PATCH_RECIPE = 'patch.Containerfile';

export const recipePath = (name: string): string => path.join(packageRoot, 'containers', name);

export interface BuildOptions {
  cacheDir: string;
  /** A unified diff against a TVM source tree (python/tvm/… paths) applied on top. */
  patchFile?: string;
  onProgress?: (message: string) => void;
}

export interface BuiltImage {
  /** The tag to use as docker:TAG / podman:TAG. */
  tag: string;
  /** True when every layer was found already built. */
  reused: boolean;
  seconds: number;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Recipe hash of a release image: the recipe text and everything passed to it. */
export function releaseRecipeHash(release: Release, base: string): string {
  const recipe = readFileSync(recipePath(RECIPES[release.era]), 'utf8');
  return sha(JSON.stringify({ recipe, base, requirements: release.requirements }));
}

export function releaseTag(release: Release, recipeHash: string): string {
  return `tvm-compat/tvm:${release.version}-${recipeHash.slice(0, 12)}`;
}

/** Patches only reach the installed package: every path must be under python/tvm/. */
export function checkPatch(text: string, file: string): void {
  const paths = [...text.matchAll(/^(?:---|\+\+\+) (\S+)/gm)].map((m) => m[1]!).filter((p) => p !== '/dev/null');
  if (paths.length === 0) throw new InputError(`${file}: not a unified diff (no ---/+++ lines)`);
  const outside = paths.find((p) => !/^[ab]\/python\/tvm\//.test(p));
  if (outside) {
    throw new InputError(`${file}: touches "${outside}"; a patch for an image must change only python/tvm/… (paths as git diff writes them in a TVM tree)`);
  }
}

export async function buildReleaseImage(cli: ContainerCli, release: Release, opts: BuildOptions): Promise<BuiltImage> {
  const started = Date.now();
  const onProgress = opts.onProgress ?? (() => undefined);
  if (!release.installable) {
    throw new UsageError(`v${release.version} has no installable requirements in the release table (${release.reason}); nothing to build`);
  }
  const patch = opts.patchFile ? readPatch(opts.patchFile) : null;
  const base = await ensureBaseImage(cli, opts.cacheDir, onProgress);
  const recipeHash = releaseRecipeHash(release, base);
  const tag = releaseTag(release, recipeHash);
  let reused = await buildIfMissing(cli, tag, opts.cacheDir, onProgress, async (context) => {
    await writeFile(path.join(context, 'host-ca.crt'), hostCaBundle());
    await build(cli, RECIPES[release.era], context, tag, {
      args: { BASE: base, REQUIREMENTS: release.requirements.join(' ') },
      labels: { [LABELS.recipe]: recipeHash, [LABELS.release]: release.version },
    });
  });
  if (!patch) return { tag, reused, seconds: (Date.now() - started) / 1000 };

  const patchRecipe = readFileSync(recipePath(PATCH_RECIPE), 'utf8');
  const patchHash = sha(JSON.stringify({ recipe: patchRecipe, patch: patch.text }));
  const patchedTag = `${tag}-patch-${patchHash.slice(0, 12)}`;
  reused =
    (await buildIfMissing(cli, patchedTag, opts.cacheDir, onProgress, async (context) => {
      await copyFile(patch.file, path.join(context, 'tvm.patch'));
      await build(cli, PATCH_RECIPE, context, patchedTag, {
        args: { BASE: tag },
        labels: { [LABELS.patch]: patchHash },
      });
    })) && reused;
  return { tag: patchedTag, reused, seconds: (Date.now() - started) / 1000 };
}

/**
 * The CA bundle this host's pip trusts, for pip inside the build: behind a TLS-inspecting proxy
 * (these machines) the image's own bundle fails. Empty when there is none. Not part of the
 * recipe hash: it decides whether the download works, not what is installed.
 */
function hostCaBundle(): string {
  const candidates = [process.env.PIP_CERT, process.env.REQUESTS_CA_BUNDLE, process.env.SSL_CERT_FILE, '/etc/ssl/certs/ca-certificates.crt'];
  for (const file of candidates) {
    if (!file) continue;
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // try the next
    }
  }
  return '';
}

function readPatch(file: string): { file: string; text: string } {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    throw new InputError(`${abs}: patch file cannot be read`);
  }
  checkPatch(text, abs);
  return { file: abs, text };
}

/** Builds `tag` with `make(contextDir)` unless the engine has it; true when it was there. */
async function buildIfMissing(
  cli: ContainerCli,
  tag: string,
  cacheDir: string,
  onProgress: (message: string) => void,
  make: (context: string) => Promise<void>,
): Promise<boolean> {
  if (await inspectImage(cli, tag)) {
    onProgress(`reusing image ${tag}`);
    return true;
  }
  let reused = false;
  await withDirLock(path.join(cacheDir, 'containers', `build-${cli.flavour}-${tag.replace(/[^a-zA-Z0-9.-]/g, '_')}`), async () => {
    if (await inspectImage(cli, tag)) {
      reused = true;
      return;
    }
    const context = await mkdtemp(path.join(tmpdir(), 'tvm-compat-build-'));
    const started = Date.now();
    onProgress(`building ${tag} with ${cli.binary} …`);
    try {
      await make(context);
    } finally {
      await rm(context, { recursive: true, force: true });
    }
    onProgress(`built ${tag} in ${seconds(started)} s`);
  }, { onWait: onProgress });
  return reused;
}

async function build(
  cli: ContainerCli,
  recipe: string,
  context: string,
  tag: string,
  opts: { args: Record<string, string>; labels: Record<string, string> },
): Promise<void> {
  const args = [...cli.global, 'build', '--file', recipePath(recipe), '--tag', tag, '--network', 'host'];
  for (const [k, v] of Object.entries(opts.args)) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(opts.labels)) args.push('--label', `${k}=${v}`);
  // podman: the same rlimits as at run time, and never look for the local base in a registry.
  if (cli.flavour === 'podman') args.push('--pull=never', '--ulimit', 'nofile=1000:1000', '--ulimit', 'nproc=1000:1000');
  args.push(context);
  // A docker CLI newer than the engine sends builds to BuildKit/buildx, which a 20.10 daemon
  // without the plugin cannot take; the classic builder works with every version.
  await run(cli.binary, args, cli.flavour === 'docker' ? { DOCKER_BUILDKIT: '0' } : {});
}
