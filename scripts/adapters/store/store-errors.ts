import { UpstreamError } from '../../core/errors.js';

/** Where a store lives, as it may be shown to people: a file path, or `host:port/database` (never credentials). */
export type StoreLocation = string;

/**
 * The error for a database whose schema lacks migrations this code needs. `fix` says what to run; the SQLite
 * store migrates itself on open, so it is the PostgreSQL store (which never migrates on a tool run) that raises it.
 */
export function schemaBehind(location: StoreLocation, applied: number, latest: number, fix: string): UpstreamError {
  const state = applied === 0 ? 'has no kubiya-jit schema yet' : `is at schema version ${applied}, and this kubiya-jit needs ${latest}`;
  return new UpstreamError('store.migrations_missing', `The database ${location} ${state}. ${fix}`, { detail: { location, applied, latest } });
}

/**
 * The error for a database migrated by a newer kubiya-jit than this one: its schema may hold what this code
 * cannot read or would overwrite, so nothing runs against it.
 */
export function schemaNewer(location: StoreLocation, applied: number, latest: number, setting: string): UpstreamError {
  return new UpstreamError(
    'store.schema_newer',
    `The database ${location} is at schema version ${applied}, newer than this kubiya-jit knows (${latest}): a newer kubiya-jit migrated it. ` +
      `Run that newer version (kubiya-jit never downgrades a schema), or point ${setting} at another database.`,
    { detail: { location, applied, latest } },
  );
}
