import { describe, expect, it } from 'vitest';
import { NOT_COPIED, PLAIN_TABLES, SPECIAL_TABLES } from '../../../scripts/adapters/store/copy-to-postgres.js';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';

describe('store copy knows every table of the SQLite schema', () => {
  it('copies or deliberately leaves each table, with exactly the columns SQLite has', async () => {
    const store = SqliteRequestStore.open(':memory:');
    try {
      const tables = store.tableNames();
      // A migration that adds a table must teach store copy about it (PLAIN_TABLES) or say why not (NOT_COPIED).
      expect(tables.filter((t) => ![...PLAIN_TABLES.map((p) => p.table), ...SPECIAL_TABLES, ...NOT_COPIED].includes(t))).toEqual([]);
      for (const { table, columns } of PLAIN_TABLES) {
        expect(tables, table).toContain(table);
        const sqliteColumns = (store as unknown as { db: { prepare(sql: string): { all(): { name: string }[] } } }).db
          .prepare(`PRAGMA table_info(${table})`)
          .all()
          .map((c) => c.name);
        expect(Object.keys(columns).sort(), table).toEqual(sqliteColumns.sort());
      }
    } finally {
      await store.close();
    }
  });

  it('refuses a source with a table it does not know, before touching the target', async () => {
    const { copySqliteToPostgres } = await import('../../../scripts/adapters/store/copy-to-postgres.js');
    const store = SqliteRequestStore.open(':memory:');
    try {
      store.unsafeExec('CREATE TABLE from_a_newer_version (x INTEGER)');
      // The target is never reached: a store whose every use would throw proves it.
      const target = new Proxy({}, { get: () => { throw new Error('the target was touched'); } }) as never;
      await expect(copySqliteToPostgres(store, target, '/data/jit.sqlite')).rejects.toMatchObject({ code: 'store.copy_unknown_tables', message: expect.stringContaining('from_a_newer_version') });
    } finally {
      await store.close();
    }
  });
});
