/**
 * Asks an environment what TVM it really holds by running fingerprint.py in it.
 * Reports carry this, so a result can always be traced to an exact build.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InfraError } from '../errors.js';
import { envAsset } from './assets.js';
import { lastMeaningfulLine } from './installer-output.js';
import type { PythonEnv } from './resolve.js';
import { runPython, type ExecOutcome } from './run-python.js';

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

const TIMEOUT_MS = 120_000;

export async function inspectEnv(env: PythonEnv): Promise<EnvInfo> {
  const result = await runPython(env, envAsset('fingerprint.py'), [], {
    // A container gets a HOME of its own; only a host process needs one found for it.
    env: { ...env.env, TOPHUB_LOCATION: 'NONE', ...(env.container ? {} : { HOME: writableHome() }) },
    timeoutMs: TIMEOUT_MS,
  });
  if (result.startError) throw new InfraError(`${env.label}: cannot run ${env.python}: ${result.startError}`);
  if (result.timedOut) throw new InfraError(`${env.label}: fingerprint.py timed out after ${TIMEOUT_MS / 1000} s`);
  if (result.exitCode !== 0) throw probeError(env, result);
  const line = result.stdout.trim().split('\n').pop() ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw new InfraError(`${env.label}: fingerprint.py printed no JSON: ${line.slice(0, 200)}`, { cause: error });
  }
  return checkEnvInfo(parsed, env.label);
}

function probeError(env: PythonEnv, result: ExecOutcome): InfraError {
  const marker = /tvm-compat: import tvm failed: (.*)$/m.exec(result.stderr);
  if (marker) return new InfraError(`${env.label}: cannot import tvm: ${marker[1]}`);
  const how = result.signal ? `crashed with ${result.signal}` : `exited with code ${result.exitCode}`;
  const line = lastMeaningfulLine(result.stderr) ?? how;
  return new InfraError(`${env.label}: fingerprint.py failed: ${line}`);
}

/** TVM writes under ~ (TopHub, caches); a read-only HOME must not fail the probe. */
function writableHome(): string {
  const home = os.homedir();
  try {
    accessSync(home, constants.W_OK);
    return home;
  } catch {
    const fallback = path.join(os.tmpdir(), 'tvm-compat-home');
    mkdirSync(fallback, { recursive: true });
    return fallback;
  }
}

function checkEnvInfo(value: unknown, label: string): EnvInfo {
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
