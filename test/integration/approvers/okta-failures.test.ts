import { describe, expect, it } from 'vitest';
import { startOktaWireServer } from '../../../scripts/standins/okta-wire-server.js';
import { PEOPLE } from '../../support/lifecycle-harness.js';
import { withOktaDeployment } from '../../support/okta-harness.js';

const REQUEST_ARGS = ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region": "eu-west-1"}', '--justification', 'INC-42'];

describe.concurrent('when Okta is down, refuses, rate-limits or lacks a group, through the real CLI', () => {
  it('refuses a request when Okta is not listening, naming OKTA_ORG_URL', () =>
    withOktaDeployment(async (d) => {
      const closed = await startOktaWireServer();
      await closed.close();
      const result = await d.expectRefusedCleanly(() => d.run(PEOPLE.dev.email, REQUEST_ARGS, { OKTA_ORG_URL: closed.orgUrl }), 'okta.unreachable');
      expect(result.json.message).toContain('OKTA_ORG_URL');
      expect(result.json.message).toContain(closed.orgUrl);
    }));

  it("refuses a request when Okta answers 500, with Okta's error code", () =>
    withOktaDeployment(async (d) => {
      d.okta.failNext(50, { status: 500, errorCode: 'E0000009', errorSummary: 'Internal Server Error' });
      const failed = await d.expectRefusedCleanly(() => d.request(), 'okta.error');
      expect(failed.json.message).toContain('E0000009');
    }));

  it('refuses a request Okta rate-limits past the wait bound, saying when the limit resets', () =>
    withOktaDeployment(async (d) => {
      d.okta.rateLimitNext(50, 600);
      const result = await d.expectRefusedCleanly(() => d.request(), 'okta.rate_limited');
      expect(result.json.message).toMatch(/HTTP 429.*30 s.*resets at \d{4}-\d\d-\d\dT/);
      // Refused at once: a reset ten minutes away is beyond the bound, so the first 429 is not retried.
      expect(d.okta.requests.filter((r) => r.status === 429)).toHaveLength(1);
    }));

  it('waits out a short rate limit and goes on', () =>
    withOktaDeployment(async (d) => {
      d.okta.rateLimitNext(1, 1);
      const run = await d.request();
      expect(run.code, run.stdout).toBe(0);
      expect(run.json.status).toBe('approval_pending');
      const [first, second] = d.okta.requests;
      expect(first?.status).toBe(429);
      expect(second).toMatchObject({ path: first?.path, status: 200 });
    }));

  it('names the credential to check when Okta refuses the token, and never prints it', () =>
    withOktaDeployment(async (d) => {
      const wrong = `00${'x'.repeat(40)}`;
      const result = await d.expectRefusedCleanly(() => d.run(PEOPLE.dev.email, REQUEST_ARGS, { OKTA_API_TOKEN: wrong }), 'okta.unauthorized');
      expect(result.json.message).toContain('OKTA_API_TOKEN');
      expect(result.stdout).not.toContain(wrong);
    }));

  it('names the approver group Okta does not have', () =>
    withOktaDeployment(
      async (d) => {
        const result = await d.expectRefusedCleanly(() => d.request(), 'directory.group_not_found');
        expect(result.json.message).toContain('"platform-aprovers"');
      },
      {
        configure: (config) => {
          const tools = config.tools as Record<string, unknown>[];
          tools[0] = { ...tools[0], approver_groups: ['platform-aprovers'] };
        },
      },
    ));

  it('keeps a request pending when Okta is down at decision time, and decides once it is back', () =>
    withOktaDeployment(async (d) => {
      const run = await d.request();
      expect(run.code, run.stdout).toBe(0);
      const id = run.json.request_id as string;
      d.okta.failNext(50, 'drop');
      const down = await d.approve(id, PEOPLE.alice.email);
      d.okta.clearFaults();
      expect(down.json.code, down.stdout).toBe('okta.unreachable');
      expect(d.h.grants()[id]).toBeUndefined();
      expect((await d.storedRequest(id))?.status).toBe('approval_pending');
      const approved = await d.approve(id, PEOPLE.alice.email);
      expect(approved.json).toMatchObject({ status: 'access_granted', decided_by: PEOPLE.alice.email });
    }));

  it("refuses a membership cache longer than Okta's bound, naming the config key", () =>
    withOktaDeployment(
      async (d) => {
        const result = await d.expectRefusedCleanly(() => d.request(), 'config.invalid');
        expect(result.json.message).toContain('directory.membership_cache');
      },
      {
        configure: (config) => {
          (config.directory as Record<string, unknown>).membership_cache = '10m';
        },
      },
    ));
});
