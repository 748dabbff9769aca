import { afterAll, beforeAll } from 'vitest';
import { PostgresRequestStore } from '../../scripts/adapters/store/postgres-request-store.js';
import { postgresSettings } from '../../scripts/adapters/store/postgres-settings.js';
import { startEmbeddedPostgres, type EmbeddedPostgresOptions, type EmbeddedPostgresServer } from '../../scripts/standins/embedded-postgres.js';

/** What {@link usePostgres} gives a test file. */
export interface PostgresHarness {
  /** The running server (after `beforeAll`). */
  server(): EmbeddedPostgresServer;
  /** A new, empty database: migrated unless `migrated: false`. Returns its connection string. */
  freshDatabase(options?: { migrated?: boolean }): Promise<string>;
  /** A store on a connection string (TLS without verification if the server has TLS, else off). */
  open(url: string): PostgresRequestStore;
}

const TEMPLATE = 'jit_template';
let counter = 0;

/**
 * Starts a real PostgreSQL server (from the `embedded-postgres` package) once for the test file, on a free
 * loopback port, and stops it after the file. Each test takes a fresh database, copied from a migrated
 * template so that no test pays for the migrations.
 */
export function usePostgres(options: EmbeddedPostgresOptions = { fast: true }): PostgresHarness {
  let server: EmbeddedPostgresServer | undefined;
  const open = (url: string) => new PostgresRequestStore(postgresSettings(url, { type: 'postgres', tls: { mode: server?.tls ? 'require' : 'disable' } }));

  beforeAll(async () => {
    server = await startEmbeddedPostgres(options);
    const store = open(await server.createDatabase(TEMPLATE));
    await store.migrate();
    await store.close();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    server = undefined;
  });

  return {
    server: () => server!,
    open,
    async freshDatabase({ migrated = true } = {}) {
      counter += 1;
      return server!.createDatabase(`jit_${process.pid}_${counter}`, migrated ? TEMPLATE : 'template0');
    },
  };
}
