import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BaselineContents, CONTENT_RECORD, DEFAULT_BASELINES, listBaselines, readBaseline, resolveBaselineName, writeBaseline } from '../../src/baseline/store.js';
import { InputError, UsageError } from '../../src/errors.js';
import { FIXTURE_BASELINES } from '../helpers/fixtures.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tvm-compat-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A committed baseline under another name, without its IR blobs (name resolution reads only manifests). */
const copyWithoutBlobs = (from: string, to: string) =>
  cpSync(join(DEFAULT_BASELINES, from), join(dir, to), { recursive: true, filter: (src) => !src.endsWith('/blobs') });

describe('resolveBaselineName', () => {
  it('picks the highest stored patch release of a minor version, and exact names first', () => {
    for (const n of ['v0.25.0', 'v0.25.2', 'v0.27.0', 'v0.19.0-conv2d']) copyWithoutBlobs('v0.25.0', n);
    expect(resolveBaselineName(dir, 'v0.25')).toBe('v0.25.2');
    expect(resolveBaselineName(dir, 'v0.25.0')).toBe('v0.25.0');
    expect(resolveBaselineName(dir, '0.27')).toBe('v0.27.0');
    expect(resolveBaselineName(dir, 'v0.19.0-conv2d')).toBe('v0.19.0-conv2d');
    expect(() => resolveBaselineName(dir, 'v0.10')).toThrow(UsageError);
    expect(() => resolveBaselineName(dir, 'v0.10')).toThrow(/stored: .*v0\.25\.0, v0\.25\.2/);
  });

  it('never takes a suffixed folder for a release: v0.27 is v0.27.0 beside v0.27.0-candidate-run', () => {
    // What `check --save-candidate-as` leaves in the same folder, next to the real releases.
    for (const n of ['v0.27.0', 'v0.27.0-candidate-run', 'v0.27.1-rc1', 'v0.27.0+local', 'v0.25.0', 'v0.25.0.post1'])
      copyWithoutBlobs(n.startsWith('v0.27') ? 'v0.27.0' : 'v0.25.0', n);
    expect(resolveBaselineName(dir, 'v0.27')).toBe('v0.27.0');
    expect(resolveBaselineName(dir, '0.27')).toBe('v0.27.0');
    expect(resolveBaselineName(dir, 'v0.27.0')).toBe('v0.27.0');
    expect(resolveBaselineName(dir, 'v0')).toBe('v0.27.0');
    expect(resolveBaselineName(dir, 'v0.25')).toBe('v0.25.0');
    // Exact names still reach the suffixed ones.
    expect(resolveBaselineName(dir, 'v0.27.0-candidate-run')).toBe('v0.27.0-candidate-run');
    expect(resolveBaselineName(dir, 'v0.27.1-rc1')).toBe('v0.27.1-rc1');
    // A version with a suffix is not a query: it must be an exact name.
    expect(() => resolveBaselineName(dir, 'v0.27.1')).toThrow(/no baseline matches "v0\.27\.1"/);
    expect(() => resolveBaselineName(dir, 'v0.27.0-cand')).toThrow(UsageError);
  });

  it('with only suffixed folders stored, a version finds none and lists them', () => {
    copyWithoutBlobs('v0.27.0', 'v0.27.0-candidate-run');
    expect(() => resolveBaselineName(dir, 'v0.27')).toThrow(/no baseline matches "v0\.27" .*stored: v0\.27\.0-candidate-run\)/);
  });

  it('lists the committed baselines in version order', () => {
    expect(listBaselines(DEFAULT_BASELINES)).toEqual(['v0.10.0', 'v0.11.0', 'v0.19.0', 'v0.25.0', 'v0.26.0', 'v0.27.0']);
  });
});

// A real stored baseline copied per test: the fixture v0.27.0-ir (93 files), not the committed
// v0.27.0 (over 4000, most of them IR blobs: too slow to copy and remove in a test hook).
describe('readBaseline', () => {
  it('names a snapshot whose content does not match the content record', () => {
    cpSync(join(FIXTURE_BASELINES, 'v0.27.0-ir'), join(dir, 'v0.27.0'), { recursive: true });
    const file = join(dir, 'v0.27.0', 'snapshots', 'ds_cnn_s_f32.llvm.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"weight": 1', '"weight": 2'));
    expect(() => readBaseline(dir, 'v0.27.0')).toThrow(InputError);
    expect(() => readBaseline(dir, 'v0.27.0')).toThrow(`${file}: content does not match its sha256 in ${join(dir, 'v0.27.0', CONTENT_RECORD)}`);
  });

  it('names a snapshot that breaks the schema, with the JSON path', () => {
    cpSync(join(FIXTURE_BASELINES, 'v0.27.0-ir'), join(dir, 'v0.27.0'), { recursive: true });
    const file = join(dir, 'v0.27.0', 'snapshots', 'ds_cnn_s_f32.llvm.json');
    const text = JSON.stringify({ schemaVersion: 1, stages: {} });
    writeFileSync(file, text);
    const manifestFile = join(dir, 'v0.27.0', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest.snapshots.find((e: { file: string }) => e.file.endsWith('ds_cnn_s_f32.llvm.json')).sha256 = createHash('sha256').update(text).digest('hex');
    writeFileSync(manifestFile, JSON.stringify(manifest));
    // Consistent but invalid, as a buggy writer would leave it: the record is made afresh.
    writeFileSync(join(dir, 'v0.27.0', CONTENT_RECORD), BaselineContents.compute(join(dir, 'v0.27.0')));
    expect(() => readBaseline(dir, 'v0.27.0')).toThrow(`${file}: invalid snapshot: / must have required property 'probeVersion'`);
  });

  it('names a manifest that lists a missing snapshot', () => {
    cpSync(join(FIXTURE_BASELINES, 'v0.27.0-ir'), join(dir, 'v0.27.0'), { recursive: true });
    rmSync(join(dir, 'v0.27.0', 'snapshots', 'resnet50.llvm.json'));
    expect(() => readBaseline(dir, 'v0.27.0')).toThrow(/resnet50\.llvm\.json: listed in .*SHA256SUMS but missing/);
  });
});

describe('writeBaseline', () => {
  const source = () => readBaseline(DEFAULT_BASELINES, 'v0.27.0');

  it('writes a baseline that reads back equal, and replaces an existing one whole', () => {
    const b = source();
    const { snapshots: _entries, ...manifest } = b.manifest;
    writeBaseline(dir, { ...manifest, name: 'x' }, [...b.snapshots.values()]);
    const back = readBaseline(dir, 'x');
    expect([...back.snapshots.keys()]).toEqual([...b.snapshots.keys()].sort());
    writeBaseline(dir, { ...manifest, name: 'x' }, [...b.snapshots.values()].slice(0, 2));
    expect(readBaseline(dir, 'x').snapshots.size).toBe(2);
    expect(readdirSync(dir)).toEqual(['x']);
  });

  it('stores each task-key text once, in blobs/, and reads it back inline', () => {
    // Real v0.19 keys of ds_cnn_s_f32 on llvm, cuda and vulkan: the same ComputeDAG texts.
    const b = readBaseline(FIXTURE_BASELINES, 'v0.19.0-targets');
    const { snapshots: _entries, ...manifest } = b.manifest;
    writeBaseline(dir, { ...manifest, name: 'x' }, [...b.snapshots.values()], new Map(), b);
    const texts = [...b.snapshots.values()].flatMap((x) => x.stages.hash_keys?.tasks?.map((t) => t.text) ?? []);
    expect(texts.length).toBeGreaterThan(new Set(texts).size);
    const stored = JSON.parse(readFileSync(join(dir, 'x', 'snapshots', 'ds_cnn_s_f32.cuda.json'), 'utf8')) as { stages: { hash_keys: { tasks: { text?: string; textSha?: string }[] } } };
    expect(stored.stages.hash_keys.tasks.every((t) => t.text === undefined && /^[0-9a-f]{64}$/.test(t.textSha ?? ''))).toBe(true);
    const back = readBaseline(dir, 'x');
    for (const [k, snap] of b.snapshots) expect(back.snapshots.get(k)?.stages.hash_keys, k).toEqual(snap.stages.hash_keys);
  });

  it('keeps the old baseline when the new one cannot be written', () => {
    const b = source();
    const { snapshots: _entries, ...manifest } = b.manifest;
    writeBaseline(dir, { ...manifest, name: 'x' }, [...b.snapshots.values()]);
    const before = readFileSync(join(dir, 'x', 'manifest.json'), 'utf8');
    const broken = [{ ...[...b.snapshots.values()][0], model: { id: '../escape', sha256: 'x', format: 'onnx' } }] as never;
    expect(() => writeBaseline(dir, { ...manifest, name: 'x' }, broken)).toThrow();
    expect(readFileSync(join(dir, 'x', 'manifest.json'), 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['x']);
  });

  it('rejects a name that is not a plain folder name', () => {
    const { snapshots: _entries, ...manifest } = source().manifest;
    expect(() => writeBaseline(dir, { ...manifest, name: '../x' }, [])).toThrow(UsageError);
    expect(existsSync(join(dir, '..', 'x'))).toBe(false);
  });
});
