import { afterEach, describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../../scripts/core/types.js';
import { checkRow, restoreTamperedRows, ROW_MISMATCH_EVENT } from '../../../scripts/core/use-cases/verify-row.js';
import { coreDeps } from '../../support/core-deps.js';
import { requestFixture } from '../../support/request-fixture.js';

const NOW = 1_800_000_000_000;
const stores: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/** A granted request whose audit trail says it was granted. */
async function granted(deps: ReturnType<typeof coreDeps>): Promise<AccessRequest> {
  const request = requestFixture({ id: 'req_1', status: 'access_granted', decidedBy: 'alice@example.com', warned: true, expiresAt: NOW - 1_000 });
  await deps.store.create(request, [{ requestId: request.id, type: 'access_granted', actor: 'kubiya-jit', at: NOW - 60_000, data: { to: 'access_granted' } }]);
  return request;
}

describe('checking rows against their audit trail while other sweepers write', () => {
  it('takes a row another sweeper moved between our reads for what it is, not for an edit', async () => {
    const deps = coreDeps({ providers: {}, now: NOW });
    stores.push(deps.store);
    const listed = await granted(deps);
    // Another sweeper begins the end after we listed the row and before we read its events.
    const ending = { ...listed, status: 'ending' as const, version: listed.version + 1 };
    expect(await deps.store.update(listed, ending, [{ requestId: listed.id, type: 'expiry_started', actor: 'kubiya-jit', at: NOW, data: { to: 'ending' } }])).toBe(true);

    const report = { errors: [] as { requestId: string; message: string }[] };
    await restoreTamperedRows({ ...deps, store: listOnly(deps.store, [listed]) }, report);
    expect(report.errors).toEqual([]);
    const events = await deps.store.auditEvents({ requestId: listed.id });
    expect(events.map((e) => e.type)).not.toContain(ROW_MISMATCH_EVENT);
  });

  it('still reports a status edited without its events', async () => {
    const deps = coreDeps({ providers: {}, now: NOW });
    stores.push(deps.store);
    const listed = await granted(deps);
    // An edit of the row alone (no event records the move), bumping its version as a careless edit might.
    const edited = { ...listed, status: 'ending' as const, version: listed.version + 1 };
    expect(await deps.store.update(listed, edited, [])).toBe(true);

    const { mismatches, request } = await checkRow(deps, edited, 'sweep');
    expect(request.version).toBe(edited.version);
    expect(mismatches.map((m) => m.field)).toEqual(['status']);
    const report = { errors: [] as { requestId: string; message: string }[] };
    await restoreTamperedRows(deps, report);
    expect(report.errors.map((e) => e.requestId)).toEqual([listed.id]);
  });
});

/** The store, with `list` answering what was read before the other sweeper's write. */
function listOnly<T extends object>(store: T, rows: AccessRequest[]): T {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'list') return async () => rows;
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
