import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // The Docker base image is built once for the whole run (container tests need it).
    globalSetup: ['test/global-setup.ts'],
    // Container tests share one Docker engine; files run in parallel, tests in a file in order.
    pool: 'forks',
  },
});
