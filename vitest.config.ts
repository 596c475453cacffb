import { defineConfig } from 'vitest/config';

// Unit and integration tests: pure logic beside its code, and real SQLite files,
// real ptys and real loopback servers under test/. The browser suite has its own config.
export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'main/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
