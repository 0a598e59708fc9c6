/**
 * `compat env build --source DIR|TARBALL`: TVM built from a source tree into a tagged image.
 *
 * 1. A builder image (containers/source-builder.Containerfile: cmake, ninja, gcc, ccache,
 *    LLVM 14, Vulkan/SPIR-V) on the local base.
 * 2. `run` of it with the tree mounted read-only, `<cache>/ccache` read-write and an empty output
 *    folder; containers/source-build.sh configures with the options below and runs ninja at the
 *    lowest priority. The output (python/, headers, build/ without objects) is kept in
 *    `<cache>/source-builds/<build key>/tvm`: the same tree and options never compile twice, and
 *    a changed tree recompiles only what ccache has not seen.
 * 3. The image (containers/source.Containerfile): that output, the runtime libraries, lavapipe,
 *    and a venv with the release's pinned Python packages. Tag:
 *    `tvm-compat/tvm-src:<version>-<image key 12>`, the key covering the source digest, the
 *    options, all three recipe files, the base and the pins.
 *
 * The classic builder (DOCKER_BUILDKIT=0, what a 20.10 engine has) cannot mount a cache folder
 * into a build step, which is why the compile runs in `run`, not in a Containerfile.
 */
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { InfraError, UsageError } from '../../errors.js';
import { withDirLock } from '../lock.js';
import { ensureBaseImage, failureLine, run } from './base-image.js';
import { recipePath } from './build.js';
import type { ContainerCli } from './cli.js';
import { inspectImage, LABELS } from './image-info.js';
import { track, untrack } from './reaper.js';
import { readSourceTree, type SourceTree } from './source-tree.js';
import { BUILD_SCRIPT, BUILDER_RECIPE, cmakeOptions, IMAGE_RECIPE, pinsFor, recipeText, RELAY_IMPORTS, SOURCE_LABELS, SOURCE_PINS, sourceKeys } from './source-recipe.js';
import { formatElapsed, parseBuildFailure, parseCcacheStats, parseProgress } from './build-log.js';

export { formatElapsed, parseBuildFailure, parseCcacheStats, parseProgress };
export { BUILD_SCRIPT, BUILDER_RECIPE, cmakeOptions, IMAGE_RECIPE, pinsFor, SOURCE_LABELS, SOURCE_PINS, sourceKeys };
export type { SourceKeys } from './source-recipe.js';
export type { BuildFailure } from './build-log.js';

export interface SourceBuildOptions {
  cacheDir: string;
  /** ninja -j (default 2). */
  jobs?: number;
  /** Build only these ninja targets, and no image (the CI test builds `runtime`). */
  targets?: string[];
  /** The tree must be this major.minor ("v0.10" as the user wrote it, already stripped). */
  expectVersion?: string;
  onProgress?: (message: string) => void;
}

export interface SourceBuildResult {
  /** The image tag; null for a targets-only build. */
  tag: string | null;
  tree: SourceTree;
  /** `<cache>/source-builds/<key>/tvm`. */
  output: string;
  /** True when the compiled output was found in the cache (no compile). */
  compiledBefore: boolean;
  /** True when the image was found (nothing built at all). */
  reused: boolean;
  /** Figures of this call's compile, when there was one. */
  compile: CompileFigures | null;
  seconds: number;
}

export interface CompileFigures {
  steps: number;
  seconds: number;
  /** From `ccache --print-stats`: hits (direct + preprocessed) and misses of this build. */
  ccacheHits: number | null;
  ccacheMisses: number | null;
  log: string;
}

/** `findCli` is called only once the tree is read and is the version asked for: a wrong tree is a usage error even where no container engine runs. */
export async function buildFromSource(findCli: () => Promise<ContainerCli>, source: string, opts: SourceBuildOptions): Promise<SourceBuildResult> {
  const started = Date.now();
  const onProgress = opts.onProgress ?? (() => undefined);
  const tree = await readSourceTree(source);
  onProgress(`${tree.path}: TVM ${tree.version} (${tree.kind}, sha256 ${tree.digest.slice(0, 12)})`);
  if (opts.expectVersion && opts.expectVersion !== tree.majorMinor) {
    throw new UsageError(`${tree.path} is TVM ${tree.version}, not v${opts.expectVersion}`);
  }
  const cli = await findCli();
  const targetsOnly = Boolean(opts.targets?.length);
  const pins = targetsOnly ? [] : pinsFor(tree);
  const options = cmakeOptions(tree);
  const base = await ensureBaseImage(cli, opts.cacheDir, onProgress);
  const keys = sourceKeys({
    tree,
    options: targetsOnly ? [...options, `targets=${opts.targets!.join(',')}`] : options,
    base,
    pins,
    recipes: { builder: recipeText(BUILDER_RECIPE), script: recipeText(BUILD_SCRIPT), image: recipeText(IMAGE_RECIPE) },
  });
  const root = path.join(opts.cacheDir, 'source-builds', keys.buildKey.slice(0, 16));
  const output = path.join(root, 'tvm');
  const result = (rest: Pick<SourceBuildResult, 'compiledBefore' | 'reused' | 'compile' | 'tag'>): SourceBuildResult => ({
    ...rest,
    tree,
    output,
    seconds: (Date.now() - started) / 1000,
  });

  if (!targetsOnly && (await inspectImage(cli, keys.tag))) {
    onProgress(`reusing image ${keys.tag}`);
    return result({ tag: keys.tag, compiledBefore: true, reused: true, compile: null });
  }
  let compile: CompileFigures | null = null;
  await withDirLock(root, async () => {
    if (existsSync(output)) return;
    await ensureBuilderImage(cli, keys.builderTag, base, opts.cacheDir, onProgress);
    compile = await compileTree(cli, tree, options, keys.builderTag, root, opts, onProgress);
  }, { onWait: onProgress, timeoutMs: 4 * 60 * 60_000 });
  if (!compile) onProgress(`reusing the compiled tree in ${output}`);
  if (targetsOnly) return result({ tag: null, compiledBefore: !compile, reused: false, compile });

  await withDirLock(path.join(opts.cacheDir, 'containers', `build-${cli.flavour}-${keys.tag.replace(/[^a-zA-Z0-9.-]/g, '_')}`), async () => {
    if (await inspectImage(cli, keys.tag)) return;
    const t = Date.now();
    onProgress(`building image ${keys.tag} …`);
    await writeFile(path.join(root, 'host-ca.crt'), hostCaBundle());
    await writeFile(path.join(root, '.dockerignore'), 'build.log\n');
    const args = [...cli.global, 'build', '--file', recipePath(IMAGE_RECIPE), '--tag', keys.tag, '--network', 'host'];
    args.push('--build-arg', `BASE=${base}`, '--build-arg', `REQUIREMENTS=${pins.join(' ')}`, '--build-arg', `IMPORTS=${RELAY_IMPORTS}`);
    const labels = {
      [LABELS.recipe]: keys.imageKey,
      [LABELS.release]: tree.version,
      [SOURCE_LABELS.source]: tree.digest,
      [SOURCE_LABELS.config]: options.join(' '),
    };
    for (const [k, v] of Object.entries(labels)) args.push('--label', `${k}=${v}`);
    if (cli.flavour === 'podman') args.push('--pull=never', '--ulimit', 'nofile=1000:1000', '--ulimit', 'nproc=1000:1000');
    args.push(root);
    await run(cli.binary, args, cli.flavour === 'docker' ? { DOCKER_BUILDKIT: '0' } : {});
    onProgress(`image ${keys.tag} built in ${formatElapsed((Date.now() - t) / 1000)}`);
  }, { onWait: onProgress });
  return result({ tag: keys.tag, compiledBefore: !compile, reused: false, compile });
}

async function ensureBuilderImage(cli: ContainerCli, tag: string, base: string, cacheDir: string, onProgress: (m: string) => void): Promise<void> {
  if (await inspectImage(cli, tag)) return;
  await withDirLock(path.join(cacheDir, 'containers', `build-${cli.flavour}-${tag.replace(/[^a-zA-Z0-9.-]/g, '_')}`), async () => {
    if (await inspectImage(cli, tag)) return;
    const t = Date.now();
    onProgress(`building the builder image ${tag} (apt: cmake, ninja, ccache, LLVM 14, Vulkan, SPIR-V) …`);
    const args = [...cli.global, 'build', '--file', recipePath(BUILDER_RECIPE), '--tag', tag, '--network', 'host', '--build-arg', `BASE=${base}`];
    if (cli.flavour === 'podman') args.push('--pull=never');
    args.push(path.dirname(recipePath(BUILDER_RECIPE)));
    await run(cli.binary, args, cli.flavour === 'docker' ? { DOCKER_BUILDKIT: '0' } : {});
    onProgress(`builder image ready in ${formatElapsed((Date.now() - t) / 1000)}`);
  }, { onWait: onProgress });
}

/** Runs source-build.sh in the builder; the output is renamed into place only when it succeeded. */
async function compileTree(
  cli: ContainerCli,
  tree: SourceTree,
  options: string[],
  builderTag: string,
  root: string,
  opts: SourceBuildOptions,
  onProgress: (m: string) => void,
): Promise<CompileFigures> {
  const ccache = path.join(opts.cacheDir, 'ccache');
  const work = `${root}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(path.join(work, 'out'), { recursive: true });
  await mkdir(path.join(work, 'build'), { recursive: true });
  await mkdir(ccache, { recursive: true });
  await mkdir(root, { recursive: true });
  const logFile = path.join(root, 'build.log');
  const log = createWriteStream(logFile);
  const name = `tvm-compat-build-${process.pid}-${Date.now().toString(36)}`;
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const args = [...cli.global, 'run', '--rm', '--name', name, '--label', 'tvm-compat', '--network', 'none'];
  // Four engineers share two cores here: the compile takes what is left (ninja also runs at nice 19).
  if (cli.flavour === 'docker') args.push('--cpu-shares', '2', '--user', `${uid}:${gid}`);
  else args.push(...(uid === 0 ? [] : ['--userns', 'keep-id']), '--ulimit', 'nofile=1000:1000', '--ulimit', 'nproc=4000:4000');
  args.push(
    '-v', `${tree.path}:/src:ro`,
    '-v', `${ccache}:/ccache`,
    '-v', `${path.join(work, 'out')}:/out`,
    '-v', `${path.join(work, 'build')}:/build`,
    '-v', `${recipePath(BUILD_SCRIPT)}:/usr/local/bin/tvm-source-build:ro`,
    '-e', `TVM_CMAKE_OPTIONS=${options.join('\n')}`,
    '-e', `TVM_BUILD_JOBS=${opts.jobs ?? 2}`,
    '-e', `TVM_BUILD_TARGETS=${(opts.targets ?? []).join(' ')}`,
    '-e', 'HOME=/tmp',
    builderTag, 'bash', '/usr/local/bin/tvm-source-build',
  );
  const t = Date.now();
  onProgress(`compiling TVM ${tree.version} in ${builderTag} (ccache ${ccache}; log ${logFile}) …`);
  let lastReport = 0;
  let steps = 0;
  let text = '';
  // Killing the CLI does not stop the container: on SIGINT/SIGTERM the reaper removes it.
  track(cli, name);
  const child = execa(cli.binary, args, { reject: false, stdin: 'ignore', all: true, buffer: false, timeout: 4 * 60 * 60_000 });
  let pending = '';
  child.all!.on('data', (chunk: Buffer) => {
    const s = chunk.toString();
    log.write(s);
    text += s;
    if (text.length > 4_000_000) text = text.slice(-2_000_000);
    pending += s;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const p = parseProgress(line);
      if (p) {
        steps = p.total;
        if (Date.now() - lastReport > 15_000 || p.done === p.total) {
          lastReport = Date.now();
          onProgress(`build: ${p.done}/${p.total} steps, ${formatElapsed((Date.now() - t) / 1000)} elapsed`);
        }
      } else if (/^(fixup|ninja|cmake|ccache): /.test(line) || /^-- (Use llvm-config|Build with (Vulkan|Micro|LLVM))/.test(line)) {
        onProgress(line.length > 300 ? `${line.slice(0, 300)}…` : line);
      }
    }
  });
  const r = await child;
  untrack(name);
  await new Promise<void>((resolve) => log.end(resolve));
  if (r.exitCode !== 0) {
    await rm(work, { recursive: true, force: true });
    if (r.exitCode === undefined || r.exitCode >= 125 || r.signal) {
      throw new InfraError(`${cli.binary} run of the builder failed (${r.signal ?? `exit ${r.exitCode}`}): ${failureLine(text) ?? 'no output'}; log: ${logFile}`);
    }
    const f = parseBuildFailure(text);
    throw new InfraError(`TVM ${tree.version} did not build${f.file ? ` (${f.file})` : ''}: ${f.error}; full log: ${logFile}`);
  }
  await rename(path.join(work, 'out', 'tvm'), path.join(root, 'tvm'));
  await rm(work, { recursive: true, force: true });
  const stats = parseCcacheStats(text);
  const figures: CompileFigures = { steps, seconds: (Date.now() - t) / 1000, ...stats, log: logFile };
  onProgress(
    `compiled ${steps} steps in ${formatElapsed(figures.seconds)}` +
      (figures.ccacheHits !== null ? `; ccache ${figures.ccacheHits} hits, ${figures.ccacheMisses} misses` : ''),
  );
  return figures;
}

/** The host's CA bundle for pip inside the image build (as build.ts does for release images). */
function hostCaBundle(): string {
  for (const file of [process.env.PIP_CERT, process.env.REQUESTS_CA_BUNDLE, process.env.SSL_CERT_FILE, '/etc/ssl/certs/ca-certificates.crt']) {
    if (!file) continue;
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // try the next
    }
  }
  return '';
}
