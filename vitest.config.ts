import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['src/test/global-setup.ts'],
    pool: 'forks',
    // Each PGlite instance takes ~0.8 GB; a few workers keep memory in bounds on a 2-core machine.
    maxWorkers: 3,
    // Generous: several PGlite instances and server processes share two cores; tests never assert on timings.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
