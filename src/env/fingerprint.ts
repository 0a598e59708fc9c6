/**
 * What TVM an environment really holds, as its probe worker describes it (fingerprint.py, run
 * once per environment inside the worker that imports TVM for the jobs). Reports carry this, so a
 * result can always be traced to an exact build.
 */
import { InfraError } from '../errors.js';

/** Identity of the TVM build in an env. */
export interface Fingerprint {
  /** tvm.__version__, e.g. "0.19.0" or "0.27.0.post1". */
  tvmVersion: string;
  /** Full or short git hash of the TVM sources, when the build recorded it. */
  gitCommit: string | null;
  /** Commit time as recorded by libinfo ("2025-01-19 10:36:58 -0500"). */
  gitCommitTime: string | null;
  /** Folder of the imported tvm package. */
  tvmPath: string;
  /** tvm.support.libinfo(): the build's CMake options. */
  libinfo: Record<string, string>;
  /** Full LLVM version when known, else the major version, else null (no LLVM). */
  llvmVersion: string | null;
  /** Interpreter version, e.g. "3.11.7". */
  python: string;
  /** Versions of the packages results depend on (numpy, onnx, tflite, apache-tvm-ffi …); null when absent. */
  packages: Record<string, string | null>;
  /** platform.platform(). */
  platform: string;
}

/** What the env can do, found by importing rather than by version number. */
export interface Capabilities {
  /** tvm.relay imports. */
  relay: boolean;
  /** tvm.auto_scheduler imports. */
  autoScheduler: boolean;
  /** tvm.relax imports. */
  relax: boolean;
  /** Module path of MetaSchedule ("tvm.meta_schedule" or "tvm.s_tir.meta_schedule"), null if absent. */
  metaSchedule: string | null;
  /** tvm.micro imports. */
  micro: boolean;
  /** Relay's AOT executor can be constructed (Relax has none). */
  aot: boolean;
  /** A Relay or Relax frontend module and its model package both import. */
  frontends: { onnx: boolean; tflite: boolean };
  /** target.build.<name> is registered (compiler side; says nothing about a device being present). */
  codegens: Record<'llvm' | 'c' | 'cuda' | 'vulkan', boolean>;
}

export interface EnvInfo {
  fingerprint: Fingerprint;
  capabilities: Capabilities;
}

/** What can be said of an environment whose TVM does not import: the interpreter and packages, nothing of TVM. */
export function infoWithoutTvm(partial: { python: string; platform: string; packages: Record<string, string | null> } | null): EnvInfo {
  return {
    fingerprint: {
      tvmVersion: 'unknown (TVM does not import)',
      gitCommit: null,
      gitCommitTime: null,
      tvmPath: '',
      libinfo: {},
      llvmVersion: null,
      python: partial?.python ?? 'unknown',
      packages: partial?.packages ?? {},
      platform: partial?.platform ?? 'unknown',
    },
    capabilities: {
      relay: false,
      autoScheduler: false,
      relax: false,
      metaSchedule: null,
      micro: false,
      aot: false,
      frontends: { onnx: false, tflite: false },
      codegens: { llvm: false, c: false, cuda: false, vulkan: false },
    },
  };
}

/** Checks the description a probe worker gives of its environment (src/env/fingerprint.py). */
export function checkEnvInfo(value: unknown, label: string): EnvInfo {
  const bad = (what: string) => new InfraError(`${label}: fingerprint.py output has a bad ${what}`);
  if (!isRecord(value) || !isRecord(value.fingerprint) || !isRecord(value.capabilities)) throw bad('shape');
  const f = value.fingerprint;
  const c = value.capabilities;
  for (const key of ['tvmVersion', 'tvmPath', 'python', 'platform'] as const) {
    if (typeof f[key] !== 'string') throw bad(`fingerprint.${key}`);
  }
  for (const key of ['gitCommit', 'gitCommitTime', 'llvmVersion'] as const) {
    if (f[key] !== null && typeof f[key] !== 'string') throw bad(`fingerprint.${key}`);
  }
  if (!isRecord(f.libinfo) || !isRecord(f.packages)) throw bad('fingerprint maps');
  for (const key of ['relay', 'autoScheduler', 'relax', 'micro', 'aot'] as const) {
    if (typeof c[key] !== 'boolean') throw bad(`capabilities.${key}`);
  }
  if (c.metaSchedule !== null && typeof c.metaSchedule !== 'string') throw bad('capabilities.metaSchedule');
  if (!isRecord(c.frontends) || !isRecord(c.codegens)) throw bad('capabilities maps');
  return value as unknown as EnvInfo;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
