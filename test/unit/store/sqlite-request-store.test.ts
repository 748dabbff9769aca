import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
