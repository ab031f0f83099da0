import { defineConfig } from 'vitest/config';

// CI sets VITEST_JSON to collect the pass/fail summary that .ci/run prints.
const jsonFile = process.env.VITEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 15_000,
    hookTimeout: 20_000,
    pool: 'forks',
    reporters: jsonFile ? ['default', 'json'] : ['default'],
    outputFile: jsonFile ? { json: jsonFile } : undefined,
  },
});
