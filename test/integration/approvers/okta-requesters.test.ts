import { describe, expect, it } from 'vitest';
import { PEOPLE } from '../../support/lifecycle-harness.js';
import { OUTSIDER, SUSPENDED, withOktaDeployment } from '../../support/okta-harness.js';

// Each test has its own deployment (stand-ins, config, database), so they run concurrently.
describe.concurrent('who may request, as Okta says, through the real CLI', () => {
  it('accepts a member of the allowed requester group, having asked Okta who they are', () =>
    withOktaDeployment(async (d) => {
      const run = await d.request();
      expect(run.code, run.stdout).toBe(0);
      expect(run.json).toMatchObject({ status: 'approval_pending', requester: PEOPLE.dev.email, approvers: ['alice@example.com', 'bob@example.com'] });
      // The requester was looked up by primary email (never by login), their groups read, and the approver
      // group listed, all with the API token.
      const lookups = d.okta.requests.filter((r) => r.path === '/api/v1/users').map((r) => r.query.filter);
      expect(lookups).toContain('profile.email eq "dev@example.com"');
      expect(d.okta.requests.some((r) => decodeURIComponent(r.path) === '/api/v1/users/dev@example.com')).toBe(false);
      const paths = d.okta.requests.map((r) => decodeURIComponent(r.path));
      expect(paths).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^\/api\/v1\/users\/[^/]+\/groups$/),
          expect.stringMatching(/^\/api\/v1\/groups\/[^/]+\/users$/),
        ]),
      );
      expect(d.okta.requests.every((r) => r.auth === 'SSWS')).toBe(true);
      expect(d.h.messagesIn()).toHaveLength(1);
    }));

  it('refuses an ACTIVE person outside the allowed requester groups, naming the groups, and stores and sends nothing', () =>
    withOktaDeployment(async (d) => {
      const result = await d.expectRefusedCleanly(() => d.request({}, OUTSIDER), 'request.requester_not_allowed');
      expect(result.json.message).toContain(OUTSIDER);
      expect(result.json.message).toContain('engineering');
      // The refusal itself is on the record (for analytics), describing no request.
      const refusals = (await d.stored()).events.filter((e) => e.type === 'request_refused');
      expect(refusals).toEqual([expect.objectContaining({ requestId: null, actor: OUTSIDER, data: { reason: 'requester_not_allowed', requester: OUTSIDER, tool: 'create_ec2', provider: 'enforcer' } })]);
    }));

  it('refuses a SUSPENDED member of the requester group, and someone Okta does not know', () =>
    withOktaDeployment(async (d) => {
      const suspended = await d.expectRefusedCleanly(() => d.request({}, SUSPENDED), 'request.requester_not_active');
      expect(suspended.json.message).toContain(SUSPENDED);
      await d.expectRefusedCleanly(() => d.request({}, 'stranger@example.com'), 'request.requester_not_active');
    }));

  it('follows Okta as it changes: suspended now is refused, removed from the group is refused, restored is accepted', () =>
    withOktaDeployment(async (d) => {
      d.okta.setStatus(PEOPLE.carol.email, 'SUSPENDED');
      await d.expectRefusedCleanly(() => d.request({}, PEOPLE.carol.email), 'request.requester_not_active');
      d.okta.setStatus(PEOPLE.carol.email, 'ACTIVE');
      d.okta.removeMember('engineering', PEOPLE.carol.email);
      await d.expectRefusedCleanly(() => d.request({}, PEOPLE.carol.email), 'request.requester_not_allowed');
      d.okta.addMember('engineering', PEOPLE.carol.email);
      const accepted = await d.request({}, PEOPLE.carol.email);
      expect(accepted.code, accepted.stdout).toBe(0);
      expect(accepted.json.requester).toBe(PEOPLE.carol.email);
    }));

  it("applies a tool's own requester groups instead of the global ones", () =>
    withOktaDeployment(
      async (d) => {
        // dev is in engineering (the global group) but not in my-friends; mallory is in my-friends only.
        await d.expectRefusedCleanly(() => d.request({}, PEOPLE.dev.email), 'request.requester_not_allowed');
        const mallory = await d.request({}, OUTSIDER);
        expect(mallory.code, mallory.stdout).toBe(0);
        expect(mallory.json.requester).toBe(OUTSIDER);
      },
      {
        configure: (config) => {
          const tools = config.tools as Record<string, unknown>[];
          tools[0] = { ...tools[0], requester_groups: ['my-friends'] };
        },
      },
    ));
});
