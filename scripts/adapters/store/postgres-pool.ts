import type { Client, Pool, PoolConfig } from 'pg';
import type { PostgresSettings } from './postgres-settings.js';

/** node-postgres options from the settings: explicit fields, so nothing is read back out of the URL. */
export function clientConfig(settings: PostgresSettings): PoolConfig {
  return {
    host: settings.host,
    port: settings.port,
    user: settings.user,
    ...(settings.password !== undefined ? { password: settings.password } : {}),
    database: settings.database,
    ssl: settings.ssl,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    application_name: 'kubiya-jit',
  };
}

/**
 * A connection pool. `pg` is imported here, on first use, so a SQLite installation never loads it. Idle
 * connections do not keep a finished CLI run alive.
 */
export async function openPool(settings: PostgresSettings): Promise<Pool> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ ...clientConfig(settings), max: settings.poolSize, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
  // An idle connection that breaks (a server restart) is dropped by the pool; the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}

/** One connection outside the pool, for LISTEN. */
export async function openClient(settings: PostgresSettings): Promise<Client> {
  const { default: pg } = await import('pg');
  const client = new pg.Client(clientConfig(settings));
  await client.connect();
  return client;
}
