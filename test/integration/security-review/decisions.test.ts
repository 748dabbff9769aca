import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseConfig, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

// Security review: attacks on who may ask and who may decide, through the real CLI. In the harness config,
// `engineering` (allowed requesters) is dev, carol, alice and a suspended member; `platform-approvers` is alice,
// bob, dev and a deprovisioned member; mallory is in no group at all.

describe('deciding a request', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  it('tells someone not involved nothing about a request that was already decided', async () => {
    const id = (await h.request()).json.request_id as string;
    expect((await h.approve(id, PEOPLE.alice.email)).json.status).toBe('access_granted');
    for (const action of ['approve', 'reject']) {
      const outsider = await h.approve(id, PEOPLE.carol.email, action);
      expect(outsider.json.code, outsider.stdout).toBe('approval.not_eligible');
      expect(outsider.stdout).not.toContain(PEOPLE.alice.email);
      expect(outsider.stdout).not.toMatch(/approved|already|granted/i);
    }
    // An eligible approver who comes second still gets the clear answer.
    const late = await h.approve(id, PEOPLE.bob.email, 'reject');
    expect(late.json.code).toBe('approval.already_decided');
    expect(late.json.message).toContain(PEOPLE.alice.email);
  });

  it('does not grant a TTL that is over the tool maximum at the time of approval', async () => {
    const run = await h.request({ ttl: '4h' });
    expect(run.code, run.stdout).toBe(0);
    const id = run.json.request_id as string;
    // The operator tightens the tool's maximum while the request waits.
    const config = baseConfig(h.opa.url);
    (config.tools as { max_ttl: string }[])[0]!.max_ttl = '1h';
    h.writeConfig(config);
    const approve = await h.approve(id, PEOPLE.alice.email);
    expect(approve.json.code, approve.stdout).toBe('request.ttl_over_maximum');
    expect(approve.json.message).toMatch(/1h/);
    expect(h.grants()[id]).toBeUndefined();
    const capped = await h.approve(id, PEOPLE.alice.email, 'approve', '1h');
    expect(capped.json).toMatchObject({ status: 'access_granted', ttl_seconds: 3600 });
    const grant = h.grants()[id]!;
    expect(Number(grant.expires_at_ns) / 1e6 - Date.now()).toBeLessThanOrEqual(3600 * 1000);
  });
});
