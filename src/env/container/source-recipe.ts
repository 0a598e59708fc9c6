/** The recipe of a source build, and the keys that say when it must run again (docs/source-builds.md "Keys"). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { recipePath } from './build.js';
import type { SourceTree } from './source-tree.js';

export const BUILDER_RECIPE = 'source-builder.Containerfile';
export const BUILD_SCRIPT = 'source-build.sh';
export const IMAGE_RECIPE = 'source.Containerfile';

/** Labels of source-built images, besides LABELS.recipe/release/python. */
export const SOURCE_LABELS = {
  /** sha256 of the source tree's content. */
  source: 'org.tvm-compat.source',
  /** The cmake options, space-separated. */
  config: 'org.tvm-compat.cmake',
} as const;

/**
 * The cmake options of every source build: one configuration for every release, chosen up front
 * (turning USE_VULKAN on in an existing build rebuilds nearly everything). USE_MICRO only where
 * the tree has the standalone CRT. GTest off: a GTest found on the build image stops v0.10's
 * configure ("Neither GTest::GTest nor GTest::gtest targets defined IMPORTED_LOCATION").
 */
export function cmakeOptions(tree: Pick<SourceTree, 'hasMicro'>): string[] {
  return [
    '-DCMAKE_BUILD_TYPE=Release',
    '-DUSE_LLVM=/usr/bin/llvm-config-14',
    ...(tree.hasMicro ? ['-DUSE_MICRO=ON'] : []),
    '-DUSE_VULKAN=ON',
    '-DUSE_GRAPH_EXECUTOR=ON',
    '-DUSE_AOT_EXECUTOR=ON',
    '-DUSE_PROFILER=ON',
    '-DUSE_RPC=ON',
    '-DUSE_LIBBACKTRACE=OFF',
    '-DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON',
  ];
}

/**
 * Pinned Python packages for the image, by the tree's major.minor: what the release's period
 * offered for the image's Python (Debian bookworm's 3.11). onnx 1.13.1 is the first onnx with
 * cp311 wheels (1.12.0 has none); numpy 1.23.5 (TVM ≤ 0.15 needs numpy < 2).
 */
const PERIOD_PINS_2022 = [
  'numpy==1.23.5',
  'scipy==1.9.3',
  'onnx==1.13.1',
  'protobuf==3.20.3',
  'tflite==2.10.0',
  'flatbuffers==1.12',
  'synr==0.6.0',
  'attrs==22.1.0',
  'decorator==5.1.1',
  'psutil==5.9.4',
  'typing_extensions==4.4.0',
  'cloudpickle==2.2.0',
  'tornado==6.2',
];

/**
 * v0.18 (Nov 2024): the newest of its period with cp311 wheels, as v0.19's release pins (numpy < 2,
 * onnx < 1.18); ml_dtypes and packaging are core requirements of v0.18 (python/gen_requirements.py),
 * synr is not (the TVMScript parser is TVM's own since v0.12).
 */
const PERIOD_PINS_2024 = [
  'numpy==1.26.4',
  'scipy==1.14.1',
  'ml-dtypes==0.5.0',
  'onnx==1.17.0',
  'protobuf==5.28.3',
  'tflite==2.18.0',
  'flatbuffers==24.3.25',
  'attrs==24.2.0',
  'decorator==5.1.1',
  'psutil==6.1.0',
  'typing_extensions==4.12.2',
  'cloudpickle==3.1.0',
  'tornado==6.4.1',
  'packaging==24.2',
];

export const SOURCE_PINS: Record<string, string[]> = {
  '0.10': PERIOD_PINS_2022,
  '0.11': PERIOD_PINS_2022,
  '0.18': PERIOD_PINS_2024,
};

/** The modules the image's build imports to prove it works, by era (the tree's major.minor). */
export const RELAY_IMPORTS = 'tvm, tvm.relay, tvm.auto_scheduler, tvm.relay.frontend.onnx, tvm.relay.frontend.tflite';

export function pinsFor(tree: Pick<SourceTree, 'majorMinor' | 'version' | 'path'>): string[] {
  const pins = SOURCE_PINS[tree.majorMinor];
  if (!pins) {
    throw new UsageError(
      `${tree.path} is TVM ${tree.version}: source builds have measured Python pins only for ${Object.keys(SOURCE_PINS)
        .map((v) => `v${v}`)
        .join(', ')} (src/env/container/source-build.ts SOURCE_PINS)`,
    );
  }
  return pins;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
export const recipeText = (name: string): string => readFileSync(recipePath(name), 'utf8');

export interface SourceKeys {
  builderTag: string;
  /** Names the compiled output: tree, options, builder recipe, build script, base. */
  buildKey: string;
  /** Names the image: the build key, the image recipe, the pins. */
  imageKey: string;
  tag: string;
}

/** Pure: every key from what goes into it (recipe texts passed in so tests can vary them). */
export function sourceKeys(input: {
  tree: Pick<SourceTree, 'digest' | 'version'>;
  options: string[];
  base: string;
  pins: string[];
  recipes: { builder: string; script: string; image: string };
}): SourceKeys {
  const builderKey = sha(JSON.stringify({ recipe: input.recipes.builder, base: input.base }));
  const buildKey = sha(JSON.stringify({ source: input.tree.digest, options: input.options, builderKey, script: input.recipes.script }));
  const imageKey = sha(JSON.stringify({ buildKey, recipe: input.recipes.image, pins: input.pins, base: input.base }));
  const version = input.tree.version.replace(/[^A-Za-z0-9_.-]/g, '_');
  return {
    builderTag: `tvm-compat/source-builder:${builderKey.slice(0, 12)}`,
    buildKey,
    imageKey,
    tag: `tvm-compat/tvm-src:${version}-${imageKey.slice(0, 12)}`,
  };
}
