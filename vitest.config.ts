import { defineConfig } from 'vitest/config';

/**
 * Two projects: unit tests run in parallel on recorded real snapshots; integration tests run
 * real TVM releases, one file at a time, because each already keeps both cores busy.
 */
export default defineConfig({
  test: {
    // The JSON report lets .ci/run print one plain "N passed, N failed" line at the end.
    reporters: ['default', ['json', { outputFile: '.cache/test-report.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Some read and copy whole committed baselines (thousands of blobs since they carry four
          // targets): seconds on a loaded machine, past vitest's 5 s default.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
