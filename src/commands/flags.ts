import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';

/** Flags shared by every command that runs probes. */
export interface CommonFlags {
  baselinesDir: string;
  corpus?: string;
  models?: string[];
  subset?: string;
  only?: string[];
  targets?: string[];
  ir?: boolean;
  artifacts?: boolean;
  tuning?: boolean;
  jobs: number;
  timeoutMs: number;
  cacheDir?: string;
}

export const defaultJobs = (): number => Math.max(1, availableParallelism());

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got "${value}"`);
    return n;
  };
}

export const splitList = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').filter(Boolean)];
