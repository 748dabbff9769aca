import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers (moto, wire-level Slack/Okta) and child processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default there is one): most integration time is spent
    // waiting on child processes and local servers, not computing, so a second file roughly halves the run.
    maxWorkers: 2,
    // A throwaway CA the HTTPS stand-ins use; it must be trusted before the workers start.
    globalSetup: ['test/support/tls-global-setup.ts'],
  },
});
