import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers (moto, wire-level Slack/Okta) and child processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A throwaway CA the HTTPS stand-ins use; it must be trusted before the workers start.
    globalSetup: ['test/support/tls-global-setup.ts'],
  },
});
