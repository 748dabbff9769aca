import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

// Security review: an identity that only becomes ASCII after Unicode folding is refused wherever a person is
// named (the runner, user_email, the approver), never folded into someone else's; a mixed-case address is
// the same person everywhere, down to the grant the Enforcer holds.

const KELVIN_KIM = '\u212Aim@example.com';

describe('Unicode in identities, through the real CLI', () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await LifecycleHarness.start((config) => {
      const directory = config.directory as { groups: Record<string, unknown[]> };
      directory.groups.engineering!.push('kim@example.com');
      directory.groups['platform-approvers']!.push('kim@example.com');
      config.requesters = { allowed_groups: ['engineering'], allow_on_behalf: true };
    });
  });
  afterAll(async () => h.close());

  async function rows(): Promise<number> {
    const store = SqliteRequestStore.open(h.databasePath);
    try {
      return (await store.list({ limit: 10_000 })).length;
    } finally {
      await store.close();
    }
  }

  it.each([
    ['the runner', KELVIN_KIM, {}],
    ['user_email', PEOPLE.dev.email, { user_email: KELVIN_KIM }],
    ['the runner, full-width', '\uFF4Bim@example.com', {}],
    ['user_email, with a zero-width space', PEOPLE.dev.email, { user_email: 'kim\u200B@example.com' }],
  ] as const)('a request naming %s with a look-alike is refused and stores nothing', async (_label, as, overrides) => {
    const before = await rows();
    const run = await h.request({ ...overrides }, as);
    expect(run.json.code, run.stdout).toBe('request.identity_not_ascii');
    expect(run.json.message).toMatch(/U\+(212A|FF4B|200B) at character \d+/);
    expect(await rows()).toBe(before);
  });

  it('a look-alike approver is refused, not taken for kim', async () => {
    const id = (await h.request()).json.request_id as string;
    const run = await h.approve(id, KELVIN_KIM);
    expect(run.json.code, run.stdout).toBe('request.identity_not_ascii');
    expect((await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', id])).json.status).toBe('approval_pending');
  });

  it('a mixed-case address is its own person: stored, approved and written to the Enforcer in one form', async () => {
    const run = await h.request({}, 'Dev@Example.COM');
    expect(run.json).toMatchObject({ requester: PEOPLE.dev.email, requested_by: PEOPLE.dev.email });
    const id = run.json.request_id as string;
    // The requester under another case is still the requester: no self-approval through capitals.
    expect((await h.approve(id, 'DEV@example.com')).json.code).toBe('approval.self_approval');
    expect((await h.approve(id, 'Alice@Example.com')).json.status).toBe('access_granted');
    expect(h.grants()[id]).toMatchObject({ user_email: PEOPLE.dev.email, approved_by: PEOPLE.alice.email });
    const described = await h.run('DEV@EXAMPLE.COM', ['describe_access_request', '--request_id', id]);
    expect(described.json.status).toBe('access_granted');
  });
});
