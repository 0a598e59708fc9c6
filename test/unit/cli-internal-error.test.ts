/**
 * A tool bug (anything thrown that is not a CompatError) exits 70 with a request for a report,
 * never 3, which sends the user to fix an environment that is fine. main() is driven with a real
 * commander program whose action throws: no real command of the CLI is known to throw a plain
 * Error (each such case found is a bug to fix, so a test pinned on one would break with the fix),
 * and an environment-variable hook in the shipped CLI would be a way to fake any exit code.
 */
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { EXIT_CODES, InfraError } from '../../src/errors.js';

let stderr: string[];
beforeEach(() => {
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const throwing = (thrown: () => unknown) => () => {
  const program = new Command('compat').exitOverride();
  program.command('boom [arg]').action(() => {
    throw thrown();
  });
  return program;
};

describe('main()', () => {
  it('did not run itself when imported', () => {
    expect(process.exitCode).toBeUndefined();
  });

  it('exits 70 on a TypeError from an action, names it a bug and prints the stack', async () => {
    const code = await main(['node', 'compat', 'boom', 'squeezenet'], throwing(() => new TypeError("Cannot read properties of undefined (reading 'tasks')")));
    expect(code).toBe(EXIT_CODES.internal);
    expect(code).toBe(70);
    const text = stderr.join('');
    expect(text).toMatch(/^compat: internal error: this is a bug in tvm-compat \d+\.\d+\.\d+, not in TVM or your environment\.\n/);
    expect(text).toContain('Please report it');
    expect(text).toContain('  command: compat boom squeezenet\n');
    expect(text).toContain("TypeError: Cannot read properties of undefined (reading 'tasks')\n    at ");
    expect(text).toContain('cli-internal-error.test.ts');
  });

  it('keeps the causes of a wrapped error, and copes with a thrown non-Error', async () => {
    expect(await main(['node', 'compat', 'boom'], throwing(() => new Error('outer', { cause: new RangeError('inner') })))).toBe(70);
    expect(stderr.join('')).toMatch(/Error: outer\n[\s\S]*caused by: RangeError: inner/);
    stderr = [];
    expect(await main(['node', 'compat', 'boom'], throwing(() => ({ weird: true })))).toBe(70);
    expect(stderr.join('')).toContain('thrown value: {"weird":true}');
  });

  it('still maps a CompatError to its own code and one line', async () => {
    expect(await main(['node', 'compat', 'boom'], throwing(() => new InfraError('uv could not install x')))).toBe(3);
    expect(stderr.join('')).toBe('compat: uv could not install x\n');
  });
});
