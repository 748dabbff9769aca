import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../../scripts/core/audit-chain.js';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { requestFixture } from '../../support/request-fixture.js';
import { requestStoreContract } from '../../support/store-contract.js';

const event = (type: string, requestId: string | null = 'req_0000000000000001') => ({ requestId, type, actor: 'test', at: 1, data: {} });

describe('SqliteRequestStore: the store contract', () => {
  const dirs = new Map<unknown, string>();
  requestStoreContract(
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'jit-store-'));
      const store = SqliteRequestStore.open(join(dir, 'jit.sqlite'));
      dirs.set(store, dir);
      return store;
    },
    async (store) => {
      await store.close();
      rmSync(dirs.get(store)!, { recursive: true, force: true });
    },
  );
});

describe('SqliteRequestStore: the file itself', () => {
  let dir: string;
  let path: string;
  let store: SqliteRequestStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jit-store-'));
    path = join(dir, 'nested', 'jit.sqlite');
    store = SqliteRequestStore.open(path);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fills the analytics fact columns of requests written before they existed', async () => {
    const request = requestFixture({ status: 'access_granted', decidedBy: 'carol@example.com', decidedAt: 5, grantedAt: 6, approverGroups: ['ops'] });
    await store.create(request, []);
    // As a store from before migration 7: the columns empty and the migration not yet applied.
    // Before migration 10 too: its index holds the fact columns.
    store.unsafeExec(`DROP INDEX requests_analytics; DELETE FROM schema_migrations WHERE version = 10;
      UPDATE requests SET decided_by = NULL, decided_at = NULL, granted_at = NULL, approver_groups = NULL, provider = NULL;
      ALTER TABLE requests DROP COLUMN decided_by; DELETE FROM schema_migrations WHERE version = 7;
      ALTER TABLE requests DROP COLUMN decided_at; ALTER TABLE requests DROP COLUMN granted_at; ALTER TABLE requests DROP COLUMN ended_at;
      ALTER TABLE requests DROP COLUMN ttl_seconds; ALTER TABLE requests DROP COLUMN end_attempts; ALTER TABLE requests DROP COLUMN provider;
      ALTER TABLE requests DROP COLUMN granted_provider; ALTER TABLE requests DROP COLUMN approver_groups; ALTER TABLE requests DROP COLUMN tool_params;`);
    await store.close();
    store = SqliteRequestStore.open(path);
    const [facts] = await store.requestsOverlapping(0, request.createdAt + 1);
    expect(facts).toMatchObject({ id: request.id, decidedBy: 'carol@example.com', decidedAt: 5, grantedAt: 6, approverGroups: ['ops'], preview: { provider: request.preview.provider } });
  });

  it('refuses to change or delete audit events, and its chain verifies', async () => {
    await store.appendAudit([event('a', null), event('b', null), event('c', null)]);
    expect(() => store.unsafeExec("UPDATE audit_events SET actor = 'x' WHERE seq = 2")).toThrow(/append-only/);
    expect(() => store.unsafeExec('DELETE FROM audit_events WHERE seq = 2')).toThrow(/append-only/);
    expect(verifyChain(await store.auditEvents())).toMatchObject({ ok: true, events: 3 });
  });

  it('lets verify find tampering by someone who drops the guard triggers', async () => {
    await store.appendAudit([event('a', null), event('b', null), event('c', null)]);
    store.unsafeExec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    store.unsafeExec(`UPDATE audit_events SET data = '{"approved":true}' WHERE seq = 2`);
    expect(verifyChain(await store.auditEvents())).toMatchObject({ ok: false, seq: 2 });
  });

  it('reopens an existing file without reapplying migrations', async () => {
    await store.create(requestFixture(), []);
    await store.close();
    store = SqliteRequestStore.open(path);
    expect(await store.get('req_0000000000000001')).toBeDefined();
  });

  it('applies the lease and outbox migration (6) again without error on a file that already has its schema', async () => {
    // A file migrated when this schema was numbered 3 has the columns and the table, but no row for 6.
    await store.create(requestFixture(), []);
    await store.enqueue([{ requestId: null, kind: 'channel_alert', data: { text: 'kept' }, at: 1, dedupeKey: 'k' }]);
    await store.close();
    const db = new Database(path);
    db.prepare('DELETE FROM schema_migrations WHERE version = 6').run();
    db.close();
    store = SqliteRequestStore.open(path);
    expect(await store.claimLease('req_0000000000000001', 'me', 1, 2)).toBe(true);
    expect((await store.outbox({ state: 'pending' })).map((m) => m.data.text)).toEqual(['kept']);
    const check = new Database(path, { readonly: true });
    const versions = (check.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
    check.close();
    expect(versions).toContain(6);
  });
});
