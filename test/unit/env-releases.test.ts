import { describe, expect, it } from 'vitest';
import semver from 'semver';
import { InfraError, InputError, UsageError } from '../../src/errors.js';
import { loadReleases, newestRelease, parseReleases, resolveRelease } from '../../src/env/releases.js';
import { releaseForCheckout } from '../../src/env/resolve.js';

describe('release table', () => {
  it('loads sorted, valid entries including the measured releases', () => {
    const releases = loadReleases();
    const versions = releases.map((r) => r.version);
    expect(versions).toEqual([...versions].sort(semver.compare));
    expect(versions).toEqual(expect.arrayContaining(['0.10.0', '0.19.0', '0.25.0', '0.26.0', '0.27.0']));
    for (const r of releases.filter((x) => x.installable)) {
      // Every package is pinned exactly so a later resolve cannot drift.
      for (const req of r.requirements) expect(req).toMatch(/^[A-Za-z0-9._-]+==[^,]+$/);
    }
  });

  it('pins the known-good builds', () => {
    expect(resolveRelease('0.19').requirements).toContain('xtc-tvm-python-bindings==0.19.0.12');
    expect(resolveRelease('0.19').era).toBe('relay');
    expect(resolveRelease('0.25').requirements).toContain('apache-tvm-ffi==0.1.12');
    expect(resolveRelease('0.27').requirements).toContain('apache-tvm==0.27.0.post1');
    expect(resolveRelease('0.27').era).toBe('relax');
  });

  it('resolves a major.minor to the highest entry and a full version exactly', () => {
    expect(resolveRelease('0.19').version).toBe('0.19.0');
    expect(resolveRelease('0.19.0').version).toBe('0.19.0');
    expect(resolveRelease('v0.26').version).toBe('0.26.0');
  });

  it('rejects unknown releases with a UsageError listing the known ones', () => {
    expect(() => resolveRelease('0.20')).toThrow(UsageError);
    expect(() => resolveRelease('0.19.1')).toThrow(/known releases: .*v0\.19\.0/);
    expect(() => resolveRelease('not-a-version')).toThrow(UsageError);
  });

  it('refuses not-installable releases with an InfraError saying why and what to use', () => {
    let caught: unknown;
    try {
      resolveRelease('0.10');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InfraError);
    const message = (caught as Error).message;
    expect(message).toMatch(/^TVM v0\.10 cannot be installed here: .*Python ≤ 3\.10/);
    expect(message).toContain('docker:IMAGE');
    expect(message).toContain('python:/path/to/a/python/with/tvm');
    expect(message).not.toContain('\n');
  });

  it('offers the newest installable release as the default candidate', () => {
    const newest = newestRelease();
    expect(newest.installable).toBe(true);
    expect(newest.version).toBe('0.27.0');
  });

  it('validates the table shape', () => {
    expect(() => parseReleases('{}')).toThrow(InputError);
    expect(() => parseReleases('[{"version":"x","era":"relay","requirements":[],"installable":true}]')).toThrow(
      /bad version/,
    );
    expect(() => parseReleases('[{"version":"0.1.0","era":"relay","requirements":[],"installable":false}]')).toThrow(
      /needs a reason/,
    );
  });
});

describe('releaseForCheckout', () => {
  it('matches a tree to the release with its major.minor', () => {
    expect(releaseForCheckout('0.19.0').version).toBe('0.19.0');
    expect(releaseForCheckout('0.25.dev0').version).toBe('0.25.0');
    expect(releaseForCheckout('0.27.0.post1').version).toBe('0.27.0');
  });

  it('lets a development tree newer than the table borrow the newest release', () => {
    expect(releaseForCheckout('0.28.dev0').version).toBe(newestRelease().version);
  });

  it('rejects a tree between known releases', () => {
    expect(() => releaseForCheckout('0.22.dev0')).toThrow(UsageError);
    expect(() => releaseForCheckout('0.12.0')).toThrow(InfraError);
  });
});
