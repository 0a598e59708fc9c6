import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPatch, RECIPES, recipePath, releaseRecipeHash, releaseTag } from '../../src/env/container/build.js';
import { engineFailureLine, forceRemoveArgs } from '../../src/env/container/cli.js';
import { containerRunArgs, DEFAULT_LIMITS, normaliseMounts, type RunSpec } from '../../src/env/container/run-args.js';
import { resolveRelease } from '../../src/env/releases.js';
import { InputError, UsageError } from '../../src/errors.js';
import { packageRoot } from '../../src/paths.js';

const spec = (over: Partial<RunSpec> = {}): RunSpec => ({
  flavour: 'docker',
  image: 'tvm-compat/tvm:0.19.0-0123456789ab',
  name: 'tvm-compat-1-abcd',
  user: '65534:65534',
  mounts: [
    { path: '/repo/src', writable: false },
    { path: '/tmp/tvm-compat-probe-x', writable: true },
  ],
  workdir: '/tmp/tvm-compat-probe-x',
  env: { TOPHUB_LOCATION: 'NONE', HOME: '/tmp/tvm-compat-probe-x/home' },
  command: ['/opt/tvm/bin/python', '/repo/src/probe/probe.py', '/tmp/tvm-compat-probe-x/job.json'],
  limits: DEFAULT_LIMITS,
  ...over,
});

/** The value following each occurrence of a flag. */
const values = (args: string[], flag: string): string[] => args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));

describe('containerRunArgs', () => {
  it('isolates the job: no network, read-only root, non-root, limits, a name to kill it by', () => {
    const args = containerRunArgs(spec());
    expect(args.slice(0, 2)).toEqual(['run', '--rm']);
    expect(values(args, '--name')).toEqual(['tvm-compat-1-abcd']);
    expect(values(args, '--network')).toEqual(['none']);
    expect(values(args, '--user')).toEqual(['65534:65534']);
    expect(args).toContain('--read-only');
    expect(values(args, '--tmpfs')).toEqual(['/tmp:rw,exec,nosuid,nodev,mode=1777']);
    expect(values(args, '--memory')).toEqual(['8g']);
    expect(values(args, '--memory-swap')).toEqual(['8g']);
    expect(values(args, '--pids-limit')).toEqual(['1024']);
    expect(values(args, '--cap-drop')).toEqual(['ALL']);
    expect(values(args, '--label')).toEqual(['tvm-compat']);
    expect(values(args, '--ulimit')).toEqual([]);
  });

  it('mounts host paths at the same path, read-only unless written, and keeps argv unchanged', () => {
    const args = containerRunArgs(spec());
    expect(values(args, '--mount')).toEqual([
      'type=bind,source=/repo/src,target=/repo/src,readonly',
      'type=bind,source=/tmp/tvm-compat-probe-x,target=/tmp/tvm-compat-probe-x',
    ]);
    expect(values(args, '--workdir')).toEqual(['/tmp/tvm-compat-probe-x']);
    const image = args.indexOf('tvm-compat/tvm:0.19.0-0123456789ab');
    expect(args[image - 2]).toBe('--entrypoint');
    expect(args[image - 1]).toBe('/opt/tvm/bin/python');
    expect(args.slice(image + 1)).toEqual(['/repo/src/probe/probe.py', '/tmp/tvm-compat-probe-x/job.json']);
  });

  it('passes the environment with --env, sorted, and nothing else of the host', () => {
    expect(values(containerRunArgs(spec()), '--env')).toEqual(['HOME=/tmp/tvm-compat-probe-x/home', 'TOPHUB_LOCATION=NONE']);
  });

  it('gives podman the rlimits it needs', () => {
    expect(values(containerRunArgs(spec({ flavour: 'podman' })), '--ulimit')).toEqual(['nofile=1000:1000', 'nproc=1000:1000']);
  });

  it.each(['0:0', 'root', '0'])('refuses to run as root (%s)', (user) => {
    expect(() => containerRunArgs(spec({ user }))).toThrow(UsageError);
  });

  it('rejects a path that --mount cannot carry', () => {
    expect(() => containerRunArgs(spec({ mounts: [{ path: '/models/a,b', writable: false }] }))).toThrow(/comma/);
    expect(() => containerRunArgs(spec({ mounts: [{ path: 'relative/dir', writable: false }] }))).toThrow(/absolute/);
  });
});

describe('normaliseMounts', () => {
  it('drops duplicates and paths inside a mount of the same mode; keeps a writable one inside a read-only one', () => {
    expect(
      normaliseMounts([
        { path: '/repo/src/probe', writable: false },
        { path: '/repo/src/', writable: false },
        { path: '/repo/src', writable: false },
        { path: '/repo/corpus/models/onnx', writable: false },
        { path: '/repo/src/out', writable: true },
        { path: '/repo/srcx', writable: false },
      ]),
    ).toEqual([
      { path: '/repo/corpus/models/onnx', writable: false },
      { path: '/repo/src', writable: false },
      { path: '/repo/src/out', writable: true },
      { path: '/repo/srcx', writable: false },
    ]);
  });

  it('makes a path writable when any caller writes it', () => {
    expect(normaliseMounts([{ path: '/a', writable: false }, { path: '/a', writable: true }])).toEqual([{ path: '/a', writable: true }]);
  });
});

describe('image recipes and patches', () => {
  it('has one recipe per era, in the repo', () => {
    for (const name of Object.values(RECIPES)) expect(existsSync(recipePath(name))).toBe(true);
  });

  it('accepts the repo patch (python/tvm/… paths) and rejects one outside the package', () => {
    const file = resolve(packageRoot, 'test', 'fixtures', 'patches', 'v0.19-conv2d-nchwc-index-order.patch');
    expect(() => checkPatch(readFileSync(file, 'utf8'), file)).not.toThrow();
    expect(() => checkPatch('--- a/src/relay/x.cc\n+++ b/src/relay/x.cc\n@@ -1 +1 @@\n-a\n+b\n', 'x.patch')).toThrow(InputError);
    expect(() => checkPatch('just text\n', 'x.patch')).toThrow(/not a unified diff/);
  });
});

describe('engineFailureLine', () => {
  it('keeps the line that says why, not the closing --help pointer', () => {
    const stderr = "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?.\nSee 'docker run --help'.\n";
    expect(engineFailureLine(stderr)).toBe('docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?.');
    expect(engineFailureLine("\nRun 'docker run --help' for more information\n")).toBeNull();
  });
});

describe('forceRemoveArgs', () => {
  it('kills at once: podman would wait 10 s for a SIGTERM the probe (PID 1) ignores', () => {
    const docker = { binary: 'docker', flavour: 'docker' as const, global: [], serverVersion: '20.10' };
    const podman = { binary: 'podman', flavour: 'podman' as const, global: ['--runtime', 'runc'], serverVersion: '4.3.1' };
    expect(forceRemoveArgs(docker, ['a', 'b'])).toEqual(['rm', '--force', 'a', 'b']);
    expect(forceRemoveArgs(podman, ['a'])).toEqual(['--runtime', 'runc', 'rm', '--force', '--time', '0', 'a']);
  });
});

describe('release image tags', () => {
  it('change with the base and the requirements, and name the release', () => {
    const release = resolveRelease('0.19');
    const a = releaseRecipeHash(release, 'tvm-compat/base:bookworm-aaaaaaaaaaaa');
    expect(releaseRecipeHash(release, 'tvm-compat/base:bookworm-aaaaaaaaaaaa')).toBe(a);
    expect(releaseRecipeHash(release, 'tvm-compat/base:bookworm-bbbbbbbbbbbb')).not.toBe(a);
    expect(releaseRecipeHash({ ...release, requirements: [...release.requirements, 'scipy==1.0'] }, 'tvm-compat/base:bookworm-aaaaaaaaaaaa')).not.toBe(a);
    expect(releaseTag(release, a)).toBe(`tvm-compat/tvm:0.19.0-${a.slice(0, 12)}`);
  });
});
