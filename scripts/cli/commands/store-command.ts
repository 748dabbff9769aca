import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { PostgresRequestStore } from '../../adapters/store/postgres-request-store.js';
import { DATABASE_URL_ENV, postgresSettings } from '../../adapters/store/postgres-settings.js';
import { SqliteRequestStore } from '../../adapters/store/sqlite-request-store.js';
import { ValidationError } from '../../core/errors.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedCommand } from '../command-spec.js';

/**
 * `kubiya-jit migrate`: applies the store's schema migrations. On PostgreSQL this is the only command that
 * changes the schema (every other run checks it and refuses a mismatch); a SQLite file is migrated when opened.
 */
export async function migrateCommand(ctx: AppContext): Promise<CommandResult> {
  const store = await ctx.openStore();
  if (store instanceof PostgresRequestStore) {
    const report = await store.migrate();
    const where = store.settings.location;
    const human = report.applied.length
      ? `Applied migration${report.applied.length > 1 ? 's' : ''} ${report.applied.join(', ')} to ${where}; the schema is at version ${report.after}.`
      : `Nothing to apply: ${where} is at schema version ${report.after}, the one this kubiya-jit knows.`;
    return { human, json: { store: 'postgres', location: where, ...report } };
  }
  const version = (store as SqliteRequestStore).schemaVersion();
  return { human: `The SQLite store is at schema version ${version} (SQLite files are migrated when opened).`, json: { store: 'sqlite', after: version, applied: [] } };
}

/** `kubiya-jit store copy --from SQLITE_FILE [--to POSTGRES_URL]`: moves an installation to PostgreSQL. */
export async function storeCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  const value = (name: string) => (typeof parsed.values[name] === 'string' ? (parsed.values[name] as string) : undefined);
  if (parsed.spec.name !== 'store copy') {
    throw new ValidationError('cli.store_usage', 'Use kubiya-jit store copy --from SQLITE_FILE [--to POSTGRES_URL] (default: JIT_DATABASE_URL).');
  }
  const from = value('from')?.trim();
  if (!from) throw new ValidationError('store.copy_missing_from', '--from is required: the SQLite file to copy (the tools\' jit.sqlite).');
  const path = resolve(from);
  // Opening a missing path would create an empty database and "copy" nothing.
  if (!existsSync(path)) throw new ValidationError('store.copy_missing_source', `--from: there is no file at ${path}. Give the path of the SQLite database to copy.`);
  const toGiven = value('to') !== undefined;
  const settings = postgresSettings(toGiven ? value('to') : ctx.env[DATABASE_URL_ENV], ctx.config.file.store ?? {}, ctx.config.dir, toGiven ? '--to' : DATABASE_URL_ENV);
  let source: SqliteRequestStore;
  try {
    source = SqliteRequestStore.open(path);
  } catch (err) {
    if (err instanceof Error && 'code' in err && String(err.code).startsWith('SQLITE_')) {
      throw new ValidationError('store.copy_bad_source', `--from: ${path} is not a kubiya-jit SQLite database (${String(err.code)}).`);
    }
    throw err;
  }
  const target = new PostgresRequestStore(settings);
  try {
    const { copySqliteToPostgres } = await import('../../adapters/store/copy-to-postgres.js');
    const report = await copySqliteToPostgres(source, target, path);
    return {
      human:
        `Copied ${report.requests} requests, ${report.events} audit events and ${Object.entries(report.tables).map(([table, n]) => `${n} ${table}`).join(', ')} from ${path} to ${settings.location}; ` +
        `the audit chain verifies on the copy (head hash ${report.headHash}). Set store.type: postgres and JIT_DATABASE_URL, then retire the SQLite file.`,
      json: { from: path, to: settings.location, requests: report.requests, events: report.events, tables: report.tables, head_hash: report.headHash, applied_migrations: report.appliedMigrations },
    };
  } finally {
    await source.close();
    await target.close();
  }
}
