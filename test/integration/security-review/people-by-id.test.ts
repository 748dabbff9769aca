import { describe, expect, it } from 'vitest';
import { PEOPLE } from '../../support/lifecycle-harness.js';
import { withOktaDeployment, type OktaDeployment } from '../../support/okta-harness.js';

// Security review: people are compared by Okta's user id, never by email text. Through the real CLI, on the
// Okta stand-in: dev (in engineering and platform-approvers) asks; then Okta changes who holds which address.

async function pending(d: OktaDeployment, params = '{"region": "eu-west-1"}'): Promise<string> {
  const run = await d.request({ tool_params: params });
  expect(run.code, run.stdout).toBe(0);
  return run.json.request_id as string;
}

describe.concurrent('people on a request are compared by their Okta id', () => {
  it('the requester cannot approve their own request under a changed address', () =>
    withOktaDeployment(async (d) => {
      const id = await pending(d);
      const stored = await d.storedRequest(id);
      expect(stored?.personIds?.requester).toMatch(/^00u/);
      // Same Okta account, new primary email: still dev, still in platform-approvers.
      d.okta.state.setEmail(PEOPLE.dev.email, 'dev2@example.com');
      const run = await d.approve(id, 'dev2@example.com');
      expect(run.json.code, run.stdout).toBe('approval.self_approval');
      expect(d.h.grants()[id]).toBeUndefined();
    }), 120_000);

  it('whoever now holds the requester\'s old address is not the requester: no describe, cancel or revoke', () =>
    withOktaDeployment(async (d) => {
      const granted = await pending(d);
      expect((await d.approve(granted, PEOPLE.alice.email)).json.status).toBe('access_granted');
      const waiting = await pending(d, '{"region": "us-east-1"}');

      // dev's account moves to another address; a new person gets dev@example.com and joins engineering.
      d.okta.state.setEmail(PEOPLE.dev.email, 'dev.old@example.com');
      d.okta.addUser({ email: PEOPLE.dev.email, login: 'dev.new', status: 'ACTIVE' });
      d.okta.addMember('engineering', 'dev.new');

      const newcomer = PEOPLE.dev.email;
      expect((await d.run(newcomer, ['describe_access_request', '--request_id', granted])).json.code).toBe('request.not_found');
      expect((await d.run(newcomer, ['cancel_access_request', '--request_id', waiting])).json.code).toBe('cancel.not_requester');
      expect((await d.run(newcomer, ['revoke_access', '--request_id', granted, '--reason', 'mine now'])).json.code).toBe('revoke.not_allowed');
      expect(d.h.grants()[granted]).toBeDefined();

      // The person who asked, under their new address, still can.
      const original = 'dev.old@example.com';
      expect((await d.run(original, ['describe_access_request', '--request_id', granted])).json.status).toBe('access_granted');
      expect((await d.run(original, ['cancel_access_request', '--request_id', waiting])).json.status).toBe('cancelled');
    }), 180_000);
});
