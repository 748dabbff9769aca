import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { APPROVERS_CHANNEL, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

// Security review: someone who can write the SQLite file edits a request row (not the chained events) to
// keep access alive or to widen what is approved. The row must agree with its events: audit verify names the
// request and the field, the sweep goes by the expiry the approval event recorded, and a decision refuses a
// row that no longer says what the approvers were shown.

const FAR_FUTURE = Date.UTC(2100, 0, 1);

async function tamper(h: LifecycleHarness, sql: string): Promise<void> {
  const store = SqliteRequestStore.open(h.databasePath);
  store.unsafeExec(sql);
  await store.close();
}

const setBody = (id: string, path: string, json: string) => `UPDATE requests SET body = json_set(body, '${path}', json('${json}')) WHERE id = '${id}'`;

describe('a request row edited in the SQLite file', () => {
  let h: LifecycleHarness;
  beforeEach(async () => {
    h = await LifecycleHarness.start();
  });
  afterEach(async () => h.close());

  async function granted(ttl = '1h'): Promise<string> {
    const id = (await h.request({ ttl })).json.request_id as string;
    expect((await h.approve(id, PEOPLE.alice.email)).json.status).toBe('access_granted');
    return id;
  }

  it('an expiry edited to the far future does not keep the access: the sweep ends it at the approved time, and alerts', async () => {
    const id = await granted('2s');
    await tamper(h, `UPDATE requests SET expires_at = ${FAR_FUTURE}, body = json_set(body, '$.expiresAt', ${FAR_FUTURE}) WHERE id = '${id}'`);
    const verify = await h.run(undefined, ['audit', 'verify']);
    expect(verify.code, verify.stdout).toBe(2);
    expect(String(verify.json.problem)).toMatch(new RegExp(`request ${id}: expires_at is ${FAR_FUTURE} in the row`));

    await sleep(2100);
    const sweep = await h.run(undefined, ['sweep']);
    expect(sweep.json.expired, sweep.stdout).toContain(id);
    expect(h.grants()[id]).toBeUndefined();
    expect(sweep.code).toBe(1);
    expect(JSON.stringify(sweep.json.errors)).toMatch(/expires_at disagreed with the audit trail; restored/);
    const alerts = h.messagesIn(APPROVERS_CHANNEL).filter((m) => JSON.stringify(m.blocks ?? []).includes('disagrees with its audit trail'));
    expect(alerts).toHaveLength(1);
  });

  it('a pending request whose parameters were widened cannot be approved; nothing is granted', async () => {
    const id = (await h.request()).json.request_id as string;
    await tamper(h, setBody(id, '$.toolParams', '{"region": "us-east-1"}'));
    const approve = await h.approve(id, PEOPLE.alice.email);
    expect(approve.json.code, approve.stdout).toBe('request.tampered');
    expect(approve.json.message).toContain('tool_params');
    expect(h.grants()[id]).toBeUndefined();
    const store = SqliteRequestStore.open(h.databasePath);
    const events = await store.auditEvents({ requestId: id });
    await store.close();
    expect(events.map((e) => e.type)).toContain('request_row_mismatch');
  });

  it('audit verify reports a request row deleted while its events remain', async () => {
    const id = await granted();
    await tamper(h, `DELETE FROM requests WHERE id = '${id}'`);
    const verify = await h.run(undefined, ['audit', 'verify']);
    expect(verify.code, verify.stdout).toBe(2);
    expect(String(verify.json.problem)).toContain(`request ${id} has events in the log but no stored row`);
  });
});

// One deployment for the field table: each case tampers with a request of its own, and verify lists the newest
// disagreeing rows first.
describe('audit verify against one edited field at a time', () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  async function granted(): Promise<string> {
    const id = (await h.request()).json.request_id as string;
    expect((await h.approve(id, PEOPLE.alice.email)).json.status).toBe('access_granted');
    return id;
  }

  it.each([
    ['requester', (id: string) => `UPDATE requests SET requester = 'mallory@example.com', body = json_set(body, '$.requester', 'mallory@example.com') WHERE id = '${id}'`],
    ['requested_by', (id: string) => setBody(id, '$.requestedBy', '"mallory@example.com"')],
    ['tool_name', (id: string) => `UPDATE requests SET tool_name = 'delete_vpc', body = json_set(body, '$.toolName', 'delete_vpc') WHERE id = '${id}'`],
    ['tool_params', (id: string) => setBody(id, '$.toolParams', '{"region": "eu-west-1", "admin": true}')],
    ['approver_groups', (id: string) => setBody(id, '$.approverGroups', '["my-friends"]')],
    ['approvers', (id: string) => setBody(id, '$.approvers', '["mallory@example.com"]')],
    ['ttl_seconds', (id: string) => setBody(id, '$.ttlSeconds', '86400')],
    ['granted_with', (id: string) => setBody(id, '$.grantedWith', '{"provider": "aws-iam-policy", "settings": {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}}')],
    ['status', (id: string) => `UPDATE requests SET status = 'access_expired', body = json_set(body, '$.status', 'access_expired') WHERE id = '${id}'`],
  ])('audit verify names the request and the field when %s was edited', async (field, sql) => {
    const id = await granted();
    expect(String((await h.run(undefined, ['audit', 'verify'])).json.problem ?? '')).not.toContain(id);
    await tamper(h, sql(id));
    const verify = await h.run(undefined, ['audit', 'verify']);
    expect(verify.code, verify.stdout).toBe(2);
    expect(String(verify.json.problem)).toContain(`request ${id}: ${field} is`);
  });

});
