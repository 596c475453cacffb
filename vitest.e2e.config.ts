import { defineConfig } from 'vitest/config';

// The end-to-end suite: the built app served by `intake serve` on loopback, driven in
// Debian's Chromium by playwright-core. Runs after `npm run build`, one file at a time.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
