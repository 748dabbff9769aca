import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

describe('concurrent decisions from separate processes', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start((config) => {
      const groups = (config.directory as { groups: Record<string, string[]> }).groups;
      groups['platform-approvers'] = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'erin@example.com', 'frank@example.com', 'grace@example.com'];
    });
  });
  afterAll(async () => h.close());

  async function events(requestId: string, type: string): Promise<number> {
    const store = SqliteRequestStore.open(h.databasePath);
    const found = (await store.auditEvents({ requestId })).filter((e) => e.type === type).length;
    await store.close();
    return found;
  }

  it('six approvers approving and rejecting at once give exactly one outcome, one grant, one event', async () => {
    const id = (await h.request()).json.request_id as string;
    const approvers = ['alice', 'bob', 'carol', 'erin', 'frank', 'grace'].map((n) => `${n}@example.com`);
    const runs = await Promise.all(approvers.map((email, i) => h.approve(id, email, i % 2 === 0 ? 'approve' : 'reject')));
    const winners = runs.filter((r) => r.code === 0);
    expect(winners).toHaveLength(1);
    for (const loser of runs.filter((r) => r.code !== 0)) {
      expect(loser.json.code).toBe('approval.already_decided');
      expect(loser.json.message).toContain(winners[0]!.json.decided_by as string);
    }
    const decisions = (await events(id, 'request_approved')) + (await events(id, 'request_rejected'));
    expect(decisions).toBe(1);
    const granted = winners[0]!.json.status === 'access_granted';
    expect(await events(id, 'access_granted')).toBe(granted ? 1 : 0);
    expect(Object.keys(h.grants()).filter((g) => g === id)).toHaveLength(granted ? 1 : 0);
  });

  it('revoking twice at once gives one revocation and a clear answer to the other', async () => {
    const id = (await h.request()).json.request_id as string;
    expect((await h.approve(id, PEOPLE.alice.email)).code).toBe(0);
    const runs = await Promise.all([
      h.run(PEOPLE.dev.email, ['revoke_access', '--request_id', id, '--reason', 'done']),
      h.run(PEOPLE.bob.email, ['revoke_access', '--request_id', id, '--reason', 'incident over']),
    ]);
    const codes = runs.map((r) => r.code).sort();
    expect(codes).toEqual([0, 1]);
    expect(runs.find((r) => r.code === 1)!.json.code).toBe('revoke.not_active');
    expect(await events(id, 'access_revoked')).toBe(1);
    expect(h.grants()[id]).toBeUndefined();
  });

  it('a cancel racing an approval leaves one of them, never both', async () => {
    const id = (await h.request()).json.request_id as string;
    const [cancel, approve] = await Promise.all([
      h.run(PEOPLE.dev.email, ['cancel_access_request', '--request_id', id]),
      h.approve(id, PEOPLE.alice.email),
    ]);
    expect([cancel.code, approve.code].sort()).toEqual([0, 1]);
    const granted = approve.code === 0;
    expect(Boolean(h.grants()[id])).toBe(granted);
  });
});
