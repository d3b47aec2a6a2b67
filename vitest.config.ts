import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits on pages and sockets of a loaded 2-core CI machine, not on a fast laptop.
    expect: { poll: { timeout: 10_000 } },
  },
});
