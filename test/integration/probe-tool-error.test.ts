/**
 * A failure of tvm-compat itself inside the probe (a collector that does not load) is the tool's
 * error, never a result about TVM: the pool raises ProbeToolError (exit 70 through the CLI), on a
 * real TVM environment.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS, loadCorpus } from '../../src/corpus/corpus.js';
import { resolveEnv } from '../../src/env/resolve.js';
import { parseEnvSpec } from '../../src/env/spec.js';
import { ProbePool, ProbeToolError } from '../../src/probe/pool.js';

describe('a collector that does not load', () => {
  it('is a tool error, not a stage error blamed on TVM', async () => {
    const env = await resolveEnv(parseEnvSpec('v0.27'));
    const model = loadCorpus(DEFAULT_CORPUS).models.find((m) => m.id === 'ds_cnn_s_f32')!;
    const pool = await ProbePool.open(env, { workers: 1, reads: [resolve(model.path, '..')] });
    try {
      await pool.prepare('relax', ['frontend/collect.py']);
      const job = {
        model,
        target: { id: 'llvm', kind: 'llvm' as const, target: 'llvm' },
        stages: [
          { name: 'frontend' as const, collector: 'frontend/collect.py', needs: [] },
          { name: 'hash_keys' as const, collector: 'hash-keys/no-such-collector.py', needs: ['frontend' as const] },
        ],
      };
      await expect(pool.run(job, 300_000)).rejects.toThrow(ProbeToolError);
      await expect(pool.run(job, 300_000)).rejects.toThrow(/cannot load collector hash-keys\/no-such-collector\.py/);
    } finally {
      await pool.close();
    }
  });
});
