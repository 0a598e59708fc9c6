#!/usr/bin/env node
/**
 * The only module that prints or exits: flags → options → core → renderer → exit code.
 */
import { appendFileSync, realpathSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_BASELINES } from './baseline/store.js';
import type { ProgressEvent } from './check/prepare.js';
import { baselineCreate, baselineList, renderCreated } from './commands/baseline.js';
import { checkCommand, diffCommand } from './commands/check.js';
import { defaultJobs, positiveInt, splitList, type CommonFlags } from './commands/flags.js';
import { envBuild, envCheckout, envDeps, envInspect } from './commands/env.js';
import { recordsMigrate } from './commands/records.js';
import { rulesList } from './commands/rules.js';
import { CompatError, EXIT_CODES, InputError, internalErrorMessage } from './errors.js';
import { Interrupted } from './probe/pool.js';
import { FORMATS, type Format } from './report/index.js';
import { TOOL } from './version.js';

interface RawCommon {
  baselines: string;
  timings?: string;
  corpus?: string;
  model?: string[];
  subset?: string;
  only?: string[];
  target?: string[];
  ir?: boolean;
  artifacts?: boolean;
  tuning?: boolean;
  jobs: number;
  timeout: number;
  cache?: string;
  quiet?: boolean;
}

const common = (o: RawCommon): CommonFlags => ({
  baselinesDir: resolve(o.baselines),
  corpus: o.corpus,
  models: o.model,
  subset: o.subset,
  only: o.only,
  targets: o.target,
  ir: o.ir,
  artifacts: o.artifacts,
  tuning: o.tuning,
  jobs: o.jobs,
  timeoutMs: o.timeout * 1000,
  cacheDir: o.cache,
});

function withCommon(cmd: Command): Command {
  return cmd
    .option('--baselines <dir>', 'folder of stored baselines', DEFAULT_BASELINES)
    .option('--corpus <file>', 'corpus.json to use instead of the embedded corpus')
    .option('--model <path...>', 'model files (.onnx, .tflite) to use instead of a corpus; inputs are read from the files')
    .option('--subset <name>', 'a model subset named in the corpus, e.g. "ci"')
    .option('--only <ids>', 'comma-separated model ids to keep', splitList)
    .option('--target <ids>', 'comma-separated corpus target ids (llvm, cuda, vulkan, c); check: the baseline\'s targets by default, baseline create: all', splitList)
    .option('--ir', 'snapshot and compare the IR: Relay/Relax per phase and lowered TIR (the default)')
    .option('--no-ir', 'skip the IR snapshots')
    .option('--artifacts', 'also build each model into a library, run it, and load the baseline\'s library in the candidate runtime (experimental)')
    .option('--tuning', 'baseline create: tune the heaviest tasks of each model and store the real records; check: apply the baseline\'s records (the default when it has them)')
    .option('--no-tuning', 'check: do not apply the baseline\'s tuning records')
    .option('--jobs <n>', 'probe processes at once', positiveInt('--jobs'), defaultJobs())
    .option('--timeout <seconds>', 'limit for one model on one target', positiveInt('--timeout'), 1800)
    .option('--cache <dir>', 'cache folder for provisioned environments (default: $XDG_CACHE_HOME/tvm-compat)')
    .addOption(containerCliOption())
    .option('--timings <file>', 'append each job\'s seconds per step (frontend, keys, build, export, run, cross-load …) to FILE as JSON lines')
    .option('-q, --quiet', 'no progress on stderr');
}

/** Which binary runs docker:/podman: environments; carried to the core as TVM_COMPAT_CONTAINER_CLI (see src/env/container/cli.ts). */
const containerCliOption = () =>
  new Option('--container-cli <binary>', 'container CLI for docker:/podman: specs, a name or a path (default: the spec prefix)').env('TVM_COMPAT_CONTAINER_CLI');

function useContainerCli(_: Command, action: Command): void {
  const value = (action.opts() as { containerCli?: string }).containerCli;
  if (value) process.env.TVM_COMPAT_CONTAINER_CLI = value;
}

function progress(quiet: boolean | undefined, timings?: string): (e: ProgressEvent) => void {
  const log = timings ? (e: ProgressEvent) => e.kind === 'job' && appendFileSync(timings, `${JSON.stringify({ env: e.env, model: e.model, target: e.target, seconds: e.seconds, stages: e.stages, timings: e.timings })}\n`) : () => undefined;
  if (quiet) return log;
  return (e) => {
    log(e);
    if (e.kind === 'message') process.stderr.write(`${e.text}\n`);
    else {
      const stages = Object.entries(e.stages)
        .filter(([k]) => k !== 'import')
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      const width = String(e.total).length;
      process.stderr.write(`[${String(e.index).padStart(width)}/${e.total}] ${e.env} ${e.model}/${e.target}: ${stages} (${e.seconds.toFixed(1)} s)\n`);
    }
  };
}

/**
 * SIGINT or SIGTERM aborts the run: the core stops every probe and throws Interrupted, and main()
 * exits 130 having written no report and no baseline. Listening here also keeps the signal from
 * killing the process before that (a second Ctrl-C still does).
 */
function onInterrupt(): AbortSignal {
  const abort = new AbortController();
  // Kept installed (not `once`), so that other listeners (the container reaper) see that the CLI
  // ends the run itself; a second signal ends the process at once.
  const stop = () => {
    if (abort.signal.aborted) process.exit(EXIT_CODES.interrupted);
    abort.abort();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
  return abort.signal;
}

const message = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

function emit(text: string, output: string | undefined): void {
  if (!output) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(output, text);
  } catch (err) {
    throw new InputError(`${output}: cannot write the report: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function buildProgram(): Command {
  const program = new Command('compat')
    .description('Backward-compatibility checker for Apache TVM: what that worked with the baseline stops working with the candidate?')
    .version(TOOL.version)
    .exitOverride()
    .showHelpAfterError()
    .hook('preAction', useContainerCli);

  withCommon(
    program
      .command('check')
      .description('run the candidate TVM on the corpus and diff it against a stored baseline')
      .requiredOption('--against <name>', 'stored baseline: a name or a version such as v0.25 (highest stored 0.25.x)')
      .option('--tvm <spec>', 'candidate: vX.Y, pip:REQ[,REQ…], python:PATH, checkout:DIR, docker:IMAGE or podman:IMAGE (default: newest release)')
      .addOption(new Option('--format <format>', 'report format').choices(FORMATS).default('text'))
      .option('--output <file>', 'write the report to a file instead of stdout')
      .option('--save-candidate-as <name>', 'also store the candidate run as a baseline of this name (with --ir: with its printer-or-IR verdicts)')
      .option('--add', 'with --save-candidate-as: add the run to that stored baseline (same environment) rather than replace it'),
  ).action(async (o: RawCommon & { against: string; tvm?: string; format: Format; output?: string; saveCandidateAs?: string; add?: boolean }) => {
    const { report, exitCode } = await checkCommand({ ...common(o), against: o.against, tvm: o.tvm, format: o.format, saveCandidateAs: o.saveCandidateAs, add: o.add }, progress(o.quiet, o.timings), onInterrupt());
    emit(report, o.output);
    process.exitCode = exitCode;
  });

  program
    .command('diff')
    .description('diff two stored baselines (no TVM is run): what changed from one release to another')
    .requiredOption('--from <name>', 'the older baseline, e.g. v0.25')
    .requiredOption('--to <name>', 'the newer baseline, e.g. v0.27')
    .option('--baselines <dir>', 'folder of stored baselines', DEFAULT_BASELINES)
    .addOption(new Option('--format <format>', 'report format').choices(FORMATS).default('text'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .action((o: { from: string; to: string; baselines: string; format: Format; output?: string }) => {
      const { report, exitCode } = diffCommand({ baselinesDir: resolve(o.baselines), from: o.from, to: o.to, format: o.format });
      emit(report, o.output);
      process.exitCode = exitCode;
    });

  const baseline = program.command('baseline').description('create and list stored baselines');
  withCommon(
    baseline
      .command('create')
      .description('run a TVM on the corpus and store the result as a baseline (written atomically)')
      .requiredOption('--tvm <spec>', 'vX.Y, pip:REQ[,REQ…], python:PATH, checkout:DIR, docker:IMAGE or podman:IMAGE')
      .option('--name <name>', 'baseline name (default: v<TVM version>)')
      .option('--add', "add this run's models × targets to the stored baseline of that name (same environment), e.g. a new --target"),
  ).action(async (o: RawCommon & { tvm: string; name?: string; add?: boolean }) => {
    const result = await baselineCreate({ ...common(o), tvm: o.tvm, name: o.name, add: o.add }, progress(o.quiet, o.timings), onInterrupt());
    process.stdout.write(renderCreated(result));
  });
  baseline
    .command('list')
    .description('list stored baselines')
    .option('--baselines <dir>', 'folder of stored baselines', DEFAULT_BASELINES)
    .action((o: { baselines: string }) => {
      const listed = baselineList(resolve(o.baselines));
      process.stdout.write(listed.text);
      // Listed all the same; the exit code says that some did not read (the first one named).
      if (listed.problems.length) throw new InputError(`${listed.problems.length} stored baseline(s) do not read: ${listed.problems[0]}`);
    });

  const records = program.command('records').description('rescue tuning records across TVM releases');
  withCommon(
    records
      .command('migrate')
      .description("re-attach a baseline's tuning records to another release's own tasks, write a database that release opens, and prove each record by a build that applies it")
      .requiredOption('--from <name>', 'stored baseline made with --tuning: a name or a version such as v0.25')
      .requiredOption('--out <dir>', 'folder to write (must not exist): one database per model, and migration.json')
      .option('--tvm <spec>', 'the release to migrate into (default: newest release)'),
  ).action(async (o: RawCommon & { from: string; out: string; tvm?: string }) => {
    const { text, exitCode } = await recordsMigrate({ ...common(o), from: o.from, out: o.out, tvm: o.tvm }, progress(o.quiet, o.timings), onInterrupt());
    process.stdout.write(text);
    process.exitCode = exitCode;
  });

  const envCmd = program.command('env').description('inspect TVM environments and make checkout trees');
  envCmd
    .command('inspect')
    .description('provision an environment and print its fingerprint and capabilities as JSON')
    .option('--tvm <spec>', 'vX.Y, pip:REQ[,REQ…], python:PATH, checkout:DIR, docker:IMAGE or podman:IMAGE (default: newest release)')
    .option('--cache <dir>', 'cache folder for provisioned environments')
    .addOption(containerCliOption())
    .action(async (o: { tvm?: string; cache?: string }) => {
      process.stdout.write(await envInspect({ tvm: o.tvm, cacheDir: o.cache }, message));
    });
  envCmd
    .command('deps')
    .description("dependency health of a release: install it unpinned, try each declared dependency at the newest version its range admits, and say which breaks TVM (import, save_json of TIR)")
    .argument('<release>', 'a release of the table, e.g. v0.26')
    .option('--cache <dir>', 'cache folder for provisioned environments')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (release: string, o: { cache?: string; format: 'text' | 'json' }) => {
      const { text, exitCode } = await envDeps({ tvm: release, cacheDir: o.cache, format: o.format }, message);
      process.stdout.write(text);
      process.exitCode = exitCode;
    });
  envCmd
    .command('build')
    .description('build and tag a container image of a release in the release table, or of TVM compiled from a source tree (no registry); prints the tag')
    .argument('[release]', 'a release such as v0.19 or 0.27.0; with --source, the version the tree must have')
    .option('--cli <binary>', 'container CLI: docker or podman, or a path to one', 'docker')
    .option('--patch <file>', 'unified diff against a TVM source tree (python/tvm/… paths) applied to the installed package')
    .option('--source <dir|tarball>', 'build TVM from this source tree (a folder or a .tar.gz of one) with ccache kept in the cache folder')
    .option('--targets <names>', 'with --source: build only these ninja targets (comma-separated, e.g. runtime) and no image; prints the output folder')
    .option('--jobs <n>', 'with --source: parallel compile jobs (ninja -j)', (v: string) => Number.parseInt(v, 10))
    .option('--cache <dir>', 'cache folder (the base rootfs tarball, ccache and compiled trees live here)')
    .action(async (release: string | undefined, o: { cli: string; patch?: string; source?: string; targets?: string; jobs?: number; cache?: string }) => {
      const targets = o.targets ? o.targets.split(',').map((t) => t.trim()).filter(Boolean) : undefined;
      process.stdout.write(await envBuild({ release, cli: o.cli, patch: o.patch, source: o.source, targets, jobs: o.jobs, cacheDir: o.cache }, message));
    });
  envCmd
    .command('checkout')
    .description("copy a release's Python package into a checkout:-style tree (DIR/python, DIR/build) to try Python-only TVM changes")
    .argument('<dir>', 'folder to create (replaced if it exists)')
    .option('--tvm <spec>', 'the release to copy (default: newest release)')
    .option('--cache <dir>', 'cache folder for provisioned environments')
    .action(async (dir: string, o: { tvm?: string; cache?: string }) => {
      process.stdout.write(await envCheckout({ tvm: o.tvm, cacheDir: o.cache }, dir, message));
    });

  program
    .command('rules')
    .description('list the rules findings are reported under')
    .action(() => {
      process.stdout.write(rulesList());
    });
  return program;
}

/** `program` is for tests: a unit test gives it a program whose action throws, to see the mapping. */
export async function main(argv: string[], program: () => Command = buildProgram): Promise<number> {
  try {
    await program().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_CODES.usage;
    if (err instanceof Interrupted) {
      process.stderr.write('compat: interrupted: no report and no baseline were written\n');
      return EXIT_CODES.interrupted;
    }
    if (err instanceof CompatError) {
      process.stderr.write(`compat: ${err.message}\n`);
      return EXIT_CODES[err.kind];
    }
    process.stderr.write(internalErrorMessage(err, { tool: TOOL, args: argv.slice(2), runtime: `node ${process.version} ${process.platform}-${process.arch}` }));
    return EXIT_CODES.internal;
  }
}

/** Run only as the program (`node dist/cli.js`, or the `compat` bin link to it), not when a test imports main(). */
function invokedAsProgram(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedAsProgram()) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
