import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

// Security review: someone who can write the SQLite file drops the append-only triggers and tampers with the
// audit log in ways the hash walk alone did not report. `audit verify` must say TAMPERED (exit 2), naming what.

async function tamper(h: LifecycleHarness, sql: string): Promise<void> {
  const store = SqliteRequestStore.open(h.databasePath);
  store.unsafeExec(`DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; ${sql}`);
  await store.close();
}

describe('audit verify against a tampered file', () => {
  let h: LifecycleHarness;
  let id: string;

  beforeEach(async () => {
    h = await LifecycleHarness.start();
    id = (await h.request()).json.request_id as string;
    expect((await h.approve(id, PEOPLE.alice.email)).json.status).toBe('access_granted');
    const intact = await h.run(undefined, ['audit', 'verify']);
    expect(intact.code, intact.stdout).toBe(0);
  });
  afterEach(async () => h.close());

  it('reports an event whose data was overwritten with text that is not JSON', async () => {
    await tamper(h, `UPDATE audit_events SET data = '{"tool": "create_ec2", "ttl' WHERE seq = 1`);
    const run = await h.run(undefined, ['audit', 'verify']);
    expect(run.json.code).not.toBe('internal_error');
    expect(run.code, run.stdout).toBe(2);
    expect(run.json).toMatchObject({ ok: false, seq: 1 });
    expect(String(run.json.problem)).toMatch(/event 1 was edited/);
  });

  it('reports a log emptied of every event while requests remain', async () => {
    await tamper(h, 'DELETE FROM audit_events');
    const run = await h.run(undefined, ['audit', 'verify']);
    expect(run.code, run.stdout).toBe(2);
    expect(run.json.ok).toBe(false);
    expect(String(run.json.problem)).toContain(id);
  });

  it('reports a log cut back past the last verified head, though every request keeps its creation', async () => {
    // The verify in beforeEach recorded the head as a checkpoint; cut the last event (the grant) away.
    const store = SqliteRequestStore.open(h.databasePath);
    const head = (await store.auditEvents()).at(-1)!.seq;
    expect((await store.auditCheckpoint())?.seq).toBe(head);
    await store.close();
    await tamper(h, `DELETE FROM audit_events WHERE seq = ${head}`);
    const run = await h.run(undefined, ['audit', 'verify']);
    expect(run.code, run.stdout).toBe(2);
    expect(run.json).toMatchObject({ ok: false, seq: head });
    expect(String(run.json.problem)).toMatch(new RegExp(`^event ${head}, verified intact at .*, is gone: the log was cut back`));
    // Analytics says the same from its own check.
    const analytics = await h.run(PEOPLE.alice.email, ['analytics']);
    expect(analytics.json.security, analytics.stdout).toMatchObject({ audit_chain: { ok: false, problem: expect.stringContaining(`event ${head}, verified intact`) } });
  });

  it('reports a log cut back to before a request was created', async () => {
    const second = (await h.request()).json.request_id as string;
    const store = SqliteRequestStore.open(h.databasePath);
    const first = (await store.auditEvents({ requestId: second }))[0]!.seq;
    await store.close();
    await tamper(h, `DELETE FROM audit_events WHERE seq >= ${first}`);
    const run = await h.run(undefined, ['audit', 'verify']);
    expect(run.code, run.stdout).toBe(2);
    expect(String(run.json.problem)).toContain(second);
    expect(String(run.json.problem)).not.toContain(id);
  });
});
