import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found from this file: src/paths.ts under vitest, dist/paths.js when built.
 * Python probe code and JSON schemas are read from root/src at run time in both cases.
 */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const srcPath = (...parts: string[]): string => resolve(packageRoot, 'src', ...parts);
