import { describe, expect, it } from 'vitest';
import { PEOPLE } from '../../support/lifecycle-harness.js';
import { type OktaDeployment, withOktaDeployment } from '../../support/okta-harness.js';

/** A pending create_ec2 request by dev, for the platform approvers alice and bob. */
async function pendingRequest(d: OktaDeployment): Promise<string> {
  const run = await d.request();
  expect(run.code, run.stdout).toBe(0);
  expect(run.json.approvers).toEqual([PEOPLE.alice.email, PEOPLE.bob.email]);
  return run.json.request_id as string;
}

async function refusals(d: OktaDeployment, id: string) {
  const { events } = await d.stored();
  return events.filter((e) => e.requestId === id && e.type === 'decision_refused');
}

// The deployments ask Okta on every check (membership_cache: 0s, the docs' "set it to 0").
describe.concurrent('the approver is checked against Okta again when deciding, through the real CLI', () => {
  it('refuses an approver removed from the group since the request; a member still in it approves', () =>
    withOktaDeployment(async (d) => {
      const id = await pendingRequest(d);
      d.okta.removeMember('platform-approvers', PEOPLE.alice.email);
      d.okta.clearRequests();
      const removed = await d.approve(id, PEOPLE.alice.email);
      expect(removed.code, removed.stdout).toBe(1);
      expect(removed.json.code).toBe('approval.not_eligible');
      expect(removed.json.message).toMatch(/not an active member of a group that may decide/);
      expect(removed.json.message).not.toContain('platform-approvers');
      // The refusal came from Okta, not from the approver list stored with the request.
      expect(d.okta.requests.some((r) => /^\/api\/v1\/users\/[^/]+\/groups$/.test(r.path))).toBe(true);
      expect(d.h.grants()[id]).toBeUndefined();
      expect(await refusals(d, id)).toEqual([expect.objectContaining({ actor: PEOPLE.alice.email, data: { reason: 'not_eligible' } })]);

      const approved = await d.approve(id, PEOPLE.bob.email);
      expect(approved.code, approved.stdout).toBe(0);
      expect(approved.json).toMatchObject({ status: 'access_granted', decided_by: PEOPLE.bob.email });
      expect(d.h.grants()[id]).toMatchObject({ approved_by: PEOPLE.bob.email });
    }));

  it('refuses an approver suspended since the request, even to reject; once ACTIVE again they may decide', () =>
    withOktaDeployment(async (d) => {
      const id = await pendingRequest(d);
      d.okta.setStatus(PEOPLE.bob.email, 'SUSPENDED');
      const suspended = await d.approve(id, PEOPLE.bob.email, 'reject');
      expect(suspended.json.code, suspended.stdout).toBe('approval.not_eligible');
      expect((await d.storedRequest(id))?.status).toBe('approval_pending');
      expect(await refusals(d, id)).toEqual([expect.objectContaining({ actor: PEOPLE.bob.email, data: { reason: 'not_eligible' } })]);

      d.okta.setStatus(PEOPLE.bob.email, 'ACTIVE');
      const rejected = await d.approve(id, PEOPLE.bob.email, 'reject');
      expect(rejected.code, rejected.stdout).toBe(0);
      expect(rejected.json).toMatchObject({ status: 'access_denied', decided_by: PEOPLE.bob.email });
    }));
});
