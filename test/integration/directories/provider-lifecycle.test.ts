/**
 * GitHub, Google Workspace and Microsoft Entra as the directory of a whole deployment, through the real CLI
 * (each run a new process) against each provider's wire-level stand-in: approvers come from the provider's
 * group (nested groups and child teams included), requesters must be in the allowed group, and an approver
 * removed or suspended between the request and the decision is refused.
 */
import { describe, expect, it } from 'vitest';
import { PEOPLE } from '../../support/lifecycle-harness.js';
import { type ProviderKind, withProviderDeployment } from '../../support/provider-deployment.js';

const KINDS: ProviderKind[] = ['github', 'google', 'microsoft'];

describe.each(KINDS)('the %s directory through the real CLI', (kind) => {
  it('routes to the group\'s ACTIVE members (a nested member included), then refuses an approver removed since the request', () =>
    withProviderDeployment(kind, async (d) => {
      const run = await d.request();
      expect(run.code, run.stdout).toBe(0);
      // dev is in the group but is the requester; alice is a member through the nested group / child team.
      expect(run.json.approvers).toEqual([PEOPLE.alice.email, PEOPLE.bob.email]);
      const id = run.json.request_id as string;

      d.org.removeMember('approvers', PEOPLE.alice.email);
      const removed = await d.approve(id, PEOPLE.alice.email);
      expect(removed.code, removed.stdout).toBe(1);
      expect(removed.json.code).toBe('approval.not_eligible');
      expect(d.h.grants()[id]).toBeUndefined();

      const approved = await d.approve(id, PEOPLE.bob.email);
      expect(approved.code, approved.stdout).toBe(0);
      expect(approved.json).toMatchObject({ status: 'access_granted', decided_by: PEOPLE.bob.email });
    }));

  it('refuses an approver suspended since the request, and a requester outside the allowed group', () =>
    withProviderDeployment(kind, async (d) => {
      const run = await d.request();
      expect(run.code, run.stdout).toBe(0);
      d.org.suspend(PEOPLE.bob.email);
      const suspended = await d.approve(run.json.request_id as string, PEOPLE.bob.email, 'reject');
      expect(suspended.json.code, suspended.stdout).toBe('approval.not_eligible');

      const outsider = await d.request(PEOPLE.mallory.email);
      expect(outsider.code).toBe(1);
      expect(outsider.json.code).toBe('request.requester_not_allowed');
    }));

  it('shows the directory\'s answer in kubiya-jit approvers: who, from which group, and who is not counted', () =>
    withProviderDeployment(kind, async (d) => {
      const run = await d.run(PEOPLE.dev.email, ['approvers', '--tool_name', 'create_ec2']);
      expect(run.code, run.stdout).toBe(0);
      const [group] = run.json.directory as { group: string; source: string; approvers: { email: string; id?: string }[]; not_counted: { account: string; reason: string }[] }[];
      expect(group?.group).toBe(d.org.group('approvers'));
      expect(group?.source).toContain(d.org.group('approvers'));
      expect(group?.approvers.map((a) => a.email).sort()).toEqual([PEOPLE.alice.email, PEOPLE.bob.email]);
      expect(group?.approvers.every((a) => typeof a.id === 'string' && a.id.length > 0)).toBe(true);
      expect(group?.not_counted).toContainEqual({ account: PEOPLE.dev.email, reason: expect.stringContaining('requester') });
      if (d.org.unmatched) expect(group?.not_counted).toContainEqual({ account: d.org.unmatched, reason: expect.stringContaining('no email known') });
    }));

  it('refuses a request cleanly when the provider refuses the credential, naming the setting and not the secret', () =>
    withProviderDeployment(kind, async (d) => {
      const broken: Record<string, string> = ({ github: { GITHUB_APP_PRIVATE_KEY: BROKEN_KEY }, google: { GOOGLE_SERVICE_ACCOUNT_KEY: brokenGoogleKey(d.org.env.GOOGLE_SERVICE_ACCOUNT_KEY) }, microsoft: { AZURE_CLIENT_SECRET: 'jit~an-expired-or-wrong-secret-000' } } as Record<ProviderKind, Record<string, string>>)[kind];
      const run = await d.h.run(PEOPLE.dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region": "eu-west-1"}', '--justification', 'Reproduce INC-42'], { env: { ...d.org.env, ...broken } });
      expect(run.code, run.stdout).toBe(1);
      expect(run.json.code).toBe(`${kind}.unauthorized`);
      for (const value of Object.values(broken)) expect(run.stdout).not.toContain(value.split('\n')[1] ?? value);
      expect(run.stdout).not.toMatch(/\bat .*\.js:\d+/);
      expect(d.h.slack.messages).toHaveLength(0);
    }));
});

/** A PEM private key the GitHub App does not have. */
const BROKEN_KEY = (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function brokenGoogleKey(key: string | undefined): string {
  return JSON.stringify({ ...(JSON.parse(key ?? '{}') as object), private_key: BROKEN_KEY });
}
