import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

// Security review: attacks on who may ask and who may decide, through the real CLI. In the harness config,
// `engineering` (allowed requesters) is dev, carol, alice and a suspended member; `platform-approvers` is alice,
// bob, dev and a deprovisioned member; mallory is in no group at all.

async function rowCount(h: LifecycleHarness): Promise<number> {
  const store = SqliteRequestStore.open(h.databasePath);
  const rows = await store.list({ limit: 1000 });
  await store.close();
  return rows.length;
}

describe('requesting on behalf of someone else (requesters.allow_on_behalf: true)', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start((config) => {
      config.requesters = { allowed_groups: ['engineering'], allow_on_behalf: true };
    });
  });
  afterAll(async () => h.close());

  it('refuses self-approval by whoever asked on the requester\'s behalf, even an approver', async () => {
    const run = await h.request({ user_email: PEOPLE.carol.email }, PEOPLE.dev.email);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json.approvers).not.toContain(PEOPLE.dev.email);
    const id = run.json.request_id as string;
    const self = await h.approve(id, ` ${PEOPLE.dev.email.toUpperCase()} `);
    expect(self.json.code).toBe('approval.self_approval');
    expect((await h.approve(id, PEOPLE.carol.email)).json.code).toBe('approval.self_approval');
    expect(h.grants()[id]).toBeUndefined();
    const ok = await h.approve(id, PEOPLE.alice.email);
    expect(ok.json).toMatchObject({ status: 'access_granted', requester: PEOPLE.carol.email, requested_by: PEOPLE.dev.email });
  });

  it('refuses a request made by someone who could not ask for themselves, storing and posting nothing', async () => {
    const before = { rows: await rowCount(h), messages: h.slack.messages.length };
    // mallory is unknown to the directory, sus is suspended, bob is active but outside the requester groups.
    const unknown = await h.request({ user_email: PEOPLE.carol.email }, PEOPLE.mallory.email);
    expect(unknown.json.code, unknown.stdout).toBe('request.requester_not_active');
    expect(unknown.json.message).toContain(PEOPLE.mallory.email);
    const suspended = await h.request({ user_email: PEOPLE.carol.email }, 'sus@example.com');
    expect(suspended.json.code, suspended.stdout).toBe('request.requester_not_active');
    const outsider = await h.request({ user_email: PEOPLE.carol.email }, PEOPLE.bob.email);
    expect(outsider.json.code, outsider.stdout).toBe('request.requester_not_allowed');
    expect(outsider.json.message).toContain(PEOPLE.bob.email);
    expect({ rows: await rowCount(h), messages: h.slack.messages.length }).toEqual(before);
  });
});
