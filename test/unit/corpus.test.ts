import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corpusDigest, DEFAULT_CORPUS, loadCorpus, selectModels } from '../../src/corpus/corpus.js';
import { InputError, UsageError } from '../../src/errors.js';
import { packageRoot } from '../../src/paths.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tvm-compat-corpus-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the embedded corpus', () => {
  const corpus = loadCorpus();

  it('has at least 5 ONNX and 3 TFLite models with verified files', () => {
    expect(corpus.models.filter((m) => m.format === 'onnx').length).toBeGreaterThanOrEqual(5);
    expect(corpus.models.filter((m) => m.format === 'tflite').length).toBeGreaterThanOrEqual(3);
    for (const m of corpus.models) expect(m.inputs.length).toBeGreaterThan(0);
  });

  it('has a ci subset of both formats', () => {
    const ci = selectModels(corpus, { subset: 'ci' });
    expect(new Set(ci.models.map((m) => m.format))).toEqual(new Set(['onnx', 'tflite']));
    expect(() => selectModels(corpus, { subset: 'nope' })).toThrow(UsageError);
    expect(() => selectModels(corpus, { only: ['nope'] })).toThrow(/unknown model "nope"/);
  });

  it('digests content, not order', () => {
    expect(corpusDigest(corpus)).toBe(corpusDigest({ ...corpus, models: [...corpus.models].reverse() }));
    const changed = corpus.models.map((m, i) => (i === 0 ? { ...m, sha256: '0'.repeat(64) } : m));
    expect(corpusDigest({ ...corpus, models: changed })).not.toBe(corpusDigest(corpus));
  });
});

describe('a user corpus', () => {
  function copyCorpus(edit: (json: { models: { id: string; sha256: string; file: string }[] }) => void): string {
    cpSync(join(packageRoot, 'corpus', 'models'), join(dir, 'models'), { recursive: true });
    const json = JSON.parse(readFileSync(DEFAULT_CORPUS, 'utf8'));
    edit(json);
    const file = join(dir, 'corpus.json');
    writeFileSync(file, JSON.stringify(json));
    return file;
  }

  it('resolves model paths relative to the corpus file', () => {
    const file = copyCorpus(() => undefined);
    expect(loadCorpus(file).models[0]?.path.startsWith(dir)).toBe(true);
  });

  it('names the file and model when a sha256 does not match', () => {
    const file = copyCorpus((j) => {
      (j.models[0] as { sha256: string }).sha256 = 'a'.repeat(64);
    });
    expect(() => loadCorpus(file)).toThrow(InputError);
    expect(() => loadCorpus(file)).toThrow(new RegExp(`^${file}: model "alexnet": sha256 of .* is [0-9a-f]{64}, the corpus says a{64}`));
  });

  it('names the JSON path of a schema violation', () => {
    const file = copyCorpus((j) => {
      (j.models[1] as { file: unknown }).file = 3;
    });
    expect(() => loadCorpus(file)).toThrow(`${file}: invalid corpus: /models/1/file must be string`);
  });
});
