import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseEnvSpec, splitRequirements } from '../../src/env/spec.js';

describe('parseEnvSpec', () => {
  it.each([
    ['v0.19', '0.19'],
    ['v0.19.0', '0.19.0'],
    ['0.27', '0.27'],
    ['0.27.0', '0.27.0'],
  ])('parses release %s', (raw, version) => {
    expect(parseEnvSpec(raw)).toEqual({ kind: 'release', raw, version });
  });

  it('parses pip requirements, keeping commas inside a specifier', () => {
    expect(parseEnvSpec('pip:apache-tvm==0.27.0.post1, onnx,tflite')).toEqual({
      kind: 'pip',
      raw: 'pip:apache-tvm==0.27.0.post1, onnx,tflite',
      requirements: ['apache-tvm==0.27.0.post1', 'onnx', 'tflite'],
    });
    expect(splitRequirements('numpy>=1.20,<2,onnx,,tflite!=2.0,~=2.18')).toEqual([
      'numpy>=1.20,<2',
      'onnx',
      'tflite!=2.0,~=2.18',
    ]);
  });

  it('makes python and checkout paths absolute', () => {
    expect(parseEnvSpec('python:/opt/py/bin/python')).toEqual({
      kind: 'python',
      raw: 'python:/opt/py/bin/python',
      python: '/opt/py/bin/python',
    });
    const spec = parseEnvSpec('checkout:some/tvm');
    expect(spec).toEqual({ kind: 'checkout', raw: 'checkout:some/tvm', dir: path.resolve('some/tvm') });
  });

  it.each(['', '   ', 'v0', '0.19.0.1', 'latest', 'pip:', 'pip: , ,', 'python:', 'checkout:', 'conda:tvm', 'v0.x', 'pip:-e,/src/tvm', 'pip:tvm,--pre'])(
    'rejects %j with a one-line UsageError listing the accepted forms',
    (raw) => {
      let caught: unknown;
      try {
        parseEnvSpec(raw);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UsageError);
      const message = (caught as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toContain('pip:REQ');
      expect(message).toContain('checkout:DIR');
    },
  );

  it.each([
    ['docker:tvm-compat/tvm:0.19.0-0123456789ab', 'docker', 'tvm-compat/tvm:0.19.0-0123456789ab'],
    ['podman:localhost/tvm', 'podman', 'localhost/tvm'],
    ['docker:registry.example:5000/team/tvm:0.10@sha256:' + 'a'.repeat(64), 'docker', 'registry.example:5000/team/tvm:0.10@sha256:' + 'a'.repeat(64)],
    ['docker:3f2a9c', 'docker', '3f2a9c'],
  ])('parses container spec %s', (raw, runtime, image) => {
    expect(parseEnvSpec(raw)).toEqual({ kind: 'container', raw, runtime, image });
  });

  it.each(['docker:', 'podman: ', 'docker:--privileged', 'docker:tvm image', 'podman:tvm;rm', 'docker:-v/:/host'])(
    'rejects container spec %j that names no image or looks like an option',
    (raw) => {
      expect(() => parseEnvSpec(raw)).toThrow(UsageError);
      expect(() => parseEnvSpec(raw)).toThrow(/docker:IMAGE, podman:IMAGE/);
    },
  );
});
