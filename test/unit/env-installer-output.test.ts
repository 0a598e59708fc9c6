import { describe, expect, it } from 'vitest';
import { lastMeaningfulLine } from '../../src/env/installer-output.js';

describe('lastMeaningfulLine', () => {
  it('joins uv error and cause lines', () => {
    const stderr = [
      'Using Python 3.11.7 environment at: /tmp/x',
      'error: No solution found when resolving dependencies',
      '  cause: Because nonexistent was not found in the package registry, your requirements are unsatisfiable.',
      '',
      'hint: Use `--clear`',
    ].join('\n');
    expect(lastMeaningfulLine(stderr)).toBe(
      'No solution found when resolving dependencies: Because nonexistent was not found in the package registry, your requirements are unsatisfiable.',
    );
  });

  it('handles older uv box drawing and pip output', () => {
    expect(lastMeaningfulLine('  × No solution found\n  ╰─▶ Because foo was not found.\n')).toBe('Because foo was not found.');
    expect(
      lastMeaningfulLine(
        'ERROR: Could not find a version that satisfies the requirement foo\nERROR: No matching distribution found for foo\n\n[notice] A new release of pip is available\n',
      ),
    ).toBe('No matching distribution found for foo');
    expect(lastMeaningfulLine('\n\n')).toBeNull();
  });
});
