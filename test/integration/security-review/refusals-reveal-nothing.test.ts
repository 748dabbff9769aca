import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigFile } from '../../support/aws-harness.js';
import { LifecycleHarness, PEOPLE, type CliRun } from '../../support/lifecycle-harness.js';

// Security review: someone not involved in a request who holds its id learns nothing about it from a refusal:
// not who asked, not its tool, not its state, not its approvers. One test per action that takes a request id.
// mallory is in no group; dev asked, alice approved.

const S3_CONFIGS = {
  reports: { name: 'Reports Read', description: 'Read the reports bucket.', buckets: ['company-reports'], policy_template: 'S3ReadOnlyPolicy', session_duration: 'PT1H' },
};

describe('refusals to people not involved in a request', () => {
  let h: LifecycleHarness;
  let granted: string;
  let pending: string;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
    writeConfigFile(h, 's3_configs.json', S3_CONFIGS);
    granted = (await h.request()).json.request_id as string;
    expect((await h.approve(granted, PEOPLE.alice.email)).json.status).toBe('access_granted');
    pending = (await h.request({ tool_params: '{"region": "us-east-1"}' })).json.request_id as string;
  });
  afterAll(async () => h.close());

  /** Nothing in the refusal names the requester, approvers, tool, parameters, groups or state. */
  function expectNothingRevealed(run: CliRun, code: string): void {
    expect(run.code, run.stdout).toBe(1);
    expect(run.json.code, run.stdout).toBe(code);
    for (const secret of [PEOPLE.dev.email, PEOPLE.alice.email, PEOPLE.bob.email, 'create_ec2', 'eu-west-1', 'us-east-1', 'platform-approvers', 'engineering']) {
      expect(run.stdout, secret).not.toContain(secret);
    }
    // "not an active member" is about the caller, and list_active_access_requests is a tool's name; any other
    // state word would be about the request.
    expect(run.stdout.replace(/not an active member|list_active_access_requests/g, '')).not.toMatch(/approved|active|granted|pending|waiting|expired|revoked|rejected|already|decided/i);
  }

  it('approve and reject', async () => {
    for (const id of [granted, pending]) {
      for (const action of ['approve', 'reject']) expectNothingRevealed(await h.approve(id, PEOPLE.mallory.email, action), 'approval.not_eligible');
    }
  });

  it('revoke_access', async () => {
    for (const id of [granted, pending]) {
      expectNothingRevealed(await h.run(PEOPLE.mallory.email, ['revoke_access', '--request_id', id, '--reason', 'x']), 'revoke.not_allowed');
    }
    expect(h.grants()[granted]).toBeDefined();
  });

  it('a dedicated revoke tool, given another tool\'s request id', async () => {
    for (const id of [granted, pending]) {
      expectNothingRevealed(await h.run(PEOPLE.mallory.email, ['s3_revoke_reports_read', '--request_id', id, '--reason', 'x']), 'revoke.not_allowed');
    }
  });

  it('cancel_access_request', async () => {
    for (const id of [granted, pending]) {
      expectNothingRevealed(await h.run(PEOPLE.mallory.email, ['cancel_access_request', '--request_id', id]), 'cancel.not_requester');
    }
  });

  it('describe_access_request: answered exactly as an id that does not exist, so ids cannot be probed', async () => {
    const unknown = 'req_00000000deadbeef';
    const none = await h.run(PEOPLE.mallory.email, ['describe_access_request', '--request_id', unknown]);
    const noneText = await h.runText(PEOPLE.mallory.email, ['describe_access_request', '--request_id', unknown]);
    for (const id of [granted, pending]) {
      const run = await h.run(PEOPLE.mallory.email, ['describe_access_request', '--request_id', id]);
      expectNothingRevealed(run, 'request.not_found');
      expect(run.json.message).toBe(`No request ${id} that you can see. Check the id with list_active_access_requests or view_user_requests.`);
      expect(run.stdout.replaceAll(id, 'ID')).toBe(none.stdout.replaceAll(unknown, 'ID'));
      const text = await h.runText(PEOPLE.mallory.email, ['describe_access_request', '--request_id', id]);
      expect([text.code, text.stdout.replaceAll(id, 'ID')]).toEqual([noneText.code, noneText.stdout.replaceAll(unknown, 'ID')]);
    }
  });

  it('view_user_requests for the requester shows the outsider nothing', async () => {
    const run = await h.run(PEOPLE.mallory.email, ['view_user_requests', '--user_email', PEOPLE.dev.email]);
    expect(run.json.requests).toEqual([]);
    expect(run.stdout).not.toContain(granted);
  });
});
