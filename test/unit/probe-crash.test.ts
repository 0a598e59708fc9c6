/**
 * Which stage a hard crash is blamed on, from the probe's own markers (src/probe/probe.py writes
 * "@@stage NAME" before a stage and "@@done NAME" after it): the running stage, never one that
 * had finished.
 */
import { describe, expect, it } from 'vitest';
import { crashedStage, recordCrash } from '../../src/probe/crash.js';
import type { ProbeJob } from '../../src/probe/job.js';
import { snapshot } from '../helpers/fixtures.js';

const job = (): ProbeJob => {
  const s = snapshot('v0.27.0', 'ds_cnn_s_f32');
  return {
    model: { id: s.model.id, sha256: s.model.sha256, format: s.model.format, path: '/x', inputs: [] },
    target: { id: 'llvm', kind: 'llvm', target: 'llvm' },
    stages: [
      { name: 'frontend', collector: 'frontend/collect.py', needs: [] },
      { name: 'hash_keys', collector: 'hash-keys/collect.py', needs: ['frontend'] },
      { name: 'ir', collector: 'ir-snapshots/collect.py', needs: ['frontend'] },
    ],
  };
};

describe('crash attribution', () => {
  it('blames the stage that was running', () => {
    expect(crashedStage('@@stage frontend\n@@done frontend\n@@stage hash_keys\nSegmentation fault\n')).toEqual({ stage: 'hash_keys', after: 'frontend' });
  });

  it('keeps a finished stage ok when the crash comes after it', () => {
    // A real snapshot as written after hash_keys finished; the process died before ir started.
    const s = structuredClone(snapshot('v0.27.0', 'ds_cnn_s_f32'));
    delete s.stages.ir;
    const out = recordCrash(s, job(), '@@stage frontend\n@@done frontend\n@@stage hash_keys\n@@done hash_keys\n', 'crashed with SIGSEGV');
    expect(out.stages.hash_keys?.status).toBe('ok');
    expect(out.stages.ir).toMatchObject({ status: 'error', type: 'ProbeCrash', message: 'probe process crashed with SIGSEGV after hash_keys finished' });
  });

  it('marks the stages after the crashed one as not run', () => {
    const s = structuredClone(snapshot('v0.27.0', 'ds_cnn_s_f32'));
    const out = recordCrash(s, job(), '@@stage frontend\n', 'timed out after 1 s');
    expect(out.stages.frontend).toMatchObject({ status: 'error', message: 'probe process timed out after 1 s during frontend' });
    expect(out.stages.hash_keys).toEqual({ status: 'not_run', reason: 'frontend did not finish' });
    expect(out.stages.import.status).toBe('ok');
  });
});
