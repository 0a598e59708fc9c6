/**
 * Content digests of stored baselines (SHA256SUMS), on copies of the committed baselines: every
 * hand edit, truncation, extra or missing file is an InputError naming the file.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BaselineContents, CONTENT_RECORD, DEFAULT_BASELINES, readBaseline, verifyBaseline, writeBaseline } from '../../src/baseline/store.js';
import { InputError } from '../../src/errors.js';
import { FIXTURE_BASELINES } from '../helpers/fixtures.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tvm-compat-digest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A real stored baseline with IR blobs, small enough to copy per test: the fixture v0.27.0-ir
 * (93 files; the committed v0.27.0 has over 4000, most of them IR blobs, and copying and removing
 * it took longer than a test hook may on a loaded machine).
 */
const STORED = 'v0.27.0-ir';
function copyStored(): string {
  const root = join(dir, STORED);
  cpSync(join(FIXTURE_BASELINES, STORED), root, { recursive: true });
  return root;
}

describe('the content record', () => {
  it('lists every file of a written baseline but itself, in sha256sum format that coreutils accepts', () => {
    const b = readBaseline(DEFAULT_BASELINES, 'v0.27.0');
    const { snapshots: _entries, ...manifest } = b.manifest;
    const root = writeBaseline(dir, { ...manifest, name: 'x' }, [...b.snapshots.values()].slice(0, 3));
    const record = readFileSync(join(root, CONTENT_RECORD), 'utf8');
    const listed = record.trim().split('\n').map((l) => l.slice(66));
    expect(listed).toContain('manifest.json');
    expect(listed.filter((f) => f.startsWith('snapshots/'))).toHaveLength(3);
    expect(listed).not.toContain(CONTENT_RECORD);
    expect(listed).toEqual([...listed].sort());
    expect(BaselineContents.compute(root)).toBe(record);
    expect(execFileSync('sha256sum', ['--check', '--strict', CONTENT_RECORD], { cwd: root, encoding: 'utf8' })).toMatch(/manifest\.json: OK/);
    expect(readBaseline(dir, 'x').contents.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('covers files of any kind under the folder, such as stage files under files/', () => {
    const root = join(dir, 'y');
    mkdirSync(join(root, 'files'), { recursive: true });
    writeFileSync(join(root, 'files', 'lib.so.gz'), 'bytes');
    writeFileSync(join(root, 'manifest.json'), '{}');
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    expect(BaselineContents.compute(root)).toBe(`${sha('bytes')}  files/lib.so.gz\n${sha('{}')}  manifest.json\n`);
  });

  it('is the same for the committed baselines as writeBaseline would make', () => {
    for (const name of ['v0.19.0', 'v0.25.0', 'v0.26.0', 'v0.27.0']) {
      const root = join(DEFAULT_BASELINES, name);
      expect(BaselineContents.compute(root), name).toBe(readFileSync(join(root, CONTENT_RECORD), 'utf8'));
    }
  });
});

describe('readBaseline with the content record', () => {
  it('names a hand-edited manifest (before the record, an edited probeVersion was read as is)', () => {
    const root = copyStored();
    const file = join(root, 'manifest.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"probeVersion": "2"', '"probeVersion": "3"'));
    expect(() => readBaseline(dir, STORED)).toThrow(InputError);
    expect(() => readBaseline(dir, STORED)).toThrow(`${file}: content does not match its sha256 in ${join(root, CONTENT_RECORD)}`);
  });

  it('names a truncated IR blob when it is used, and at once in a full verification', () => {
    const root = copyStored();
    const b0 = readBaseline(FIXTURE_BASELINES, STORED);
    const sha = [...b0.snapshots.values()].flatMap((s) => s.stages.ir?.functions ?? []).find((f) => f.textSha)?.textSha;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    const file = join(root, 'blobs', `${sha}.gz`);
    truncateSync(file, 10);
    const b = readBaseline(dir, STORED); // blobs are read on use: reading stays cheap
    expect(() => b.blobs.get(sha!)).toThrow(`${file}: content does not match its sha256 in ${join(root, CONTENT_RECORD)}`);
    expect(() => verifyBaseline(dir, STORED)).toThrow(`${file}: content does not match`);
  });

  it('names a file added after the baseline was written, and a listed file that is gone', () => {
    const root = copyStored();
    const extra = join(root, 'snapshots', 'resnet50.llvm.json~');
    writeFileSync(extra, '{}');
    expect(() => readBaseline(dir, STORED)).toThrow(`${extra}: not listed in ${join(root, CONTENT_RECORD)}`);
    rmSync(extra);
    const blob = readFileSync(join(root, CONTENT_RECORD), 'utf8').split('\n')[0]!.slice(66);
    rmSync(join(root, blob));
    expect(() => readBaseline(dir, STORED)).toThrow(`${join(root, blob)}: listed in ${join(root, CONTENT_RECORD)} but missing`);
  });

  it('refuses a baseline without a record, and a record with a line that is not one', () => {
    const root = copyStored();
    const record = join(root, CONTENT_RECORD);
    const text = readFileSync(record, 'utf8');
    rmSync(record);
    expect(() => readBaseline(dir, STORED)).toThrow(`${record}: the baseline's content record is missing`);
    writeFileSync(record, text);
    appendFileSync(record, 'not a line\n');
    const line = text.split('\n').length; // the appended line comes after the record's own lines
    expect(() => readBaseline(dir, STORED)).toThrow(`${record}:${line}: not a "<sha256>  <relative path>" line`);
  });

  it('verifies the committed baselines in full', () => {
    for (const name of ['v0.19.0', 'v0.25.0', 'v0.26.0', 'v0.27.0']) expect(() => verifyBaseline(DEFAULT_BASELINES, name)).not.toThrow();
  });
});
