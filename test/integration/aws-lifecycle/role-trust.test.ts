import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { createIamUser, createRole, MOTO_ACCOUNT, motoClients, runAws, trustStatements, type MotoClients, type TrustStatement } from '../../support/aws-harness.js';

describe('aws.role_trust → role_trust_grant_<name>: a role trust policy through the real CLI, on moto', () => {
  let moto: Moto;
  let aws: MotoClients;
  let h: LifecycleHarness;
  let original: TrustStatement[];
  let requestId: string;
  const run = (as: string | undefined, args: string[]) => runAws(h, moto, as, args);

  beforeAll(async () => {
    moto = await startMoto();
    aws = motoClients(moto);
    h = await LifecycleHarness.start((config) => {
      config.aws = { role_trust: [{ name: 'Prod Deploy', role_name: 'prod-deploy', description: 'Assume the production deploy role', session_duration: 'PT1H' }] };
    });
    await createIamUser(aws.iam, 'dev');
    await createRole(aws.iam, 'prod-deploy');
    original = await trustStatements(aws.iam, 'prod-deploy');
  });
  afterAll(async () => {
    await h?.close();
    await moto?.stop();
  });

  it('opens a request and leaves the trust policy as it was', async () => {
    const asked = await run(PEOPLE.dev.email, ['role_trust_grant_prod_deploy', '--ttl', '30m', '--justification', 'Roll back release 4.2']);
    expect(asked.code, asked.stdout).toBe(0);
    requestId = asked.json.request_id as string;
    expect(await trustStatements(aws.iam, 'prod-deploy')).toEqual(original);
  });

  it("on approval adds the requester's principal until expires_at, other statements untouched", async () => {
    const approved = await run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', requestId, '--approval_action', 'approve']);
    expect(approved.code, approved.stdout).toBe(0);
    expect(approved.json.status).toBe('access_granted');
    const statements = await trustStatements(aws.iam, 'prod-deploy');
    expect(statements).toHaveLength(original.length + 1);
    expect(statements.slice(0, original.length)).toEqual(original);
    const added = statements[original.length]!;
    expect(added).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:user/dev` } });
    const expirySecond = Math.floor(Date.parse(approved.json.expires_at as string) / 1000) * 1000;
    expect(Date.parse(added.Condition?.DateLessThan?.['aws:CurrentTime'] ?? '')).toBe(expirySecond);
  });

  it('role_trust_revoke_<name> removes exactly that statement', async () => {
    const revoked = await run(PEOPLE.dev.email, ['role_trust_revoke_prod_deploy', '--reason', 'Rolled back']);
    expect(revoked.code, revoked.stdout).toBe(0);
    expect(revoked.json).toMatchObject({ request_id: requestId, status: 'revoked' });
    expect(await trustStatements(aws.iam, 'prod-deploy')).toEqual(original);
  });
});
