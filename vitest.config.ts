import { defineConfig } from 'vitest/config';

// Three tiers (CONTRIBUTING.md "Test tiers"): unit tests need no services; integration tests start real
// redis-server and s3rver on ephemeral ports (libs/testing); browser tests drive Debian's chromium.
export default defineConfig({
  test: {
    reporters: ['default', './tools/plain-summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,libs}/*/src/**/*.test.ts', 'infra/**/*.test.ts', 'docs/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.browser.test.ts', '**/node_modules/**'],
          testTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{apps,libs}/*/src/**/*.int.test.ts', '{apps,libs}/*/src/**/*.browser.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          pool: 'forks',
          maxWorkers: 1,
          fileParallelism: false,
          // expect.poll waits on real processes and pages that refresh on their own; its default of
          // one second failed steps that take longer on a loaded two-core machine.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
