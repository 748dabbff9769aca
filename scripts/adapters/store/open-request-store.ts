import type { RequestStore } from '../../core/ports.js';
import { SqliteRequestStore } from './sqlite-request-store.js';

/** How a command opens the store. */
export interface OpenStoreOptions {
  /**
   * Refuse, with a `store.not_found` error naming the location, when the database does not exist yet, instead
   * of creating an empty one. Every command that only reads or changes existing requests sets it, so a wrong
   * `JIT_DATABASE` is reported rather than answered from an empty database ("audit log intact: 0 events").
   */
  mustExist?: boolean;
  /** Which command is opening it, for the error message. */
  command?: string;
}

/**
 * Opens the request store at `location` (today a SQLite file path; a PostgreSQL store will be chosen here by
 * the location's form). Every adapter honours {@link OpenStoreOptions.mustExist}.
 */
export function openRequestStore(location: string, options: OpenStoreOptions = {}): RequestStore {
  return SqliteRequestStore.open(location, options);
}
