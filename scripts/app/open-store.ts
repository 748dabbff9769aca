import { ConfigError } from '../core/errors.js';
import type { RequestStore } from '../core/ports.js';
import { PostgresRequestStore } from '../adapters/store/postgres-request-store.js';
import { DATABASE_URL_ENV, postgresSettings } from '../adapters/store/postgres-settings.js';
import type { OpenStoreOptions } from '../adapters/store/open-request-store.js';
import { SqliteRequestStore } from '../adapters/store/sqlite-request-store.js';
import type { JitConfigFile, LoadedConfig } from '../config/jit-config.js';
import { databasePath } from './runtime-paths.js';

/**
 * The store the config names: SQLite (the default; the file `JIT_DATABASE`), or PostgreSQL (`store.type:
 * postgres`, connection string from the secret `JIT_DATABASE_URL`). The PostgreSQL store connects, and
 * checks its migrations, on first use; `options.mustExist` concerns SQLite, whose file a run could otherwise
 * create (a PostgreSQL database that does not exist is `store.database_missing`, and is never created).
 */
export function openStore(config: LoadedConfig, env: NodeJS.ProcessEnv, options: OpenStoreOptions = {}): RequestStore {
  const section = config.file.store;
  // Settings are resolved on first use: commands that never touch the store (bundle, help) need no database.
  if (section?.type === 'postgres') return new PostgresRequestStore(() => postgresSettings(env[DATABASE_URL_ENV], section, config.dir));
  const misplaced = (['pool_size', 'connect_timeout', 'tls'] as const).filter((key) => section?.[key] !== undefined);
  if (misplaced.length > 0) {
    throw new ConfigError(`${config.path}: store.${misplaced[0]} applies to store.type postgres only; remove it or set store.type: postgres.`, { path: config.path });
  }
  return SqliteRequestStore.open(databasePath(env), options);
}

/**
 * What stands in for the config file when it cannot be read at all (the expiry-only context): nothing, except
 * the store. `JIT_DATABASE_URL` is set only for the PostgreSQL store, so when it is set the grants to end are
 * there; falling back to the SQLite default would sweep an empty file while PostgreSQL's grants stay live.
 * TLS and pool settings are lost with the file; `sslmode` in the URL still applies.
 */
export function unreadableConfigFile(env: NodeJS.ProcessEnv): JitConfigFile {
  return env[DATABASE_URL_ENV]?.trim() ? { store: { type: 'postgres' } } : {};
}
