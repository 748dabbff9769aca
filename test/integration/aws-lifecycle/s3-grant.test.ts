import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { startMoto, type Moto } from '../../support/moto.js';
import {
  attachedPolicies,
  createIamUser,
  jitResources,
  motoClients,
  readPolicy,
  runAws,
  writeConfigFile,
  type MotoClients,
} from '../../support/aws-harness.js';

const S3_CONFIGS = {
  'Read Access to Important Buckets': {
    name: 'Data Lake Read',
    description: 'Grants read access to the data lake buckets.',
    buckets: ['company-data-lake', 'company-data-lake-archive'],
    policy_template: 'S3ReadOnlyPolicy',
    session_duration: 'PT2H',
  },
};

describe('s3_grant_<name> through the real CLI, granted in IAM on moto', () => {
  let moto: Moto;
  let aws: MotoClients;
  let h: LifecycleHarness;
  let requestId: string;
  let expiresAt: string;
  const run = (as: string | undefined, args: string[]) => runAws(h, moto, as, args);

  beforeAll(async () => {
    moto = await startMoto();
    aws = motoClients(moto);
    h = await LifecycleHarness.start();
    writeConfigFile(h, 's3_configs.json', S3_CONFIGS);
    await createIamUser(aws.iam, 'dev');
  });
  afterAll(async () => {
    await h?.close();
    await moto?.stop();
  });

  it('opens a pending request and posts it to the approvers, creating nothing in AWS yet', async () => {
    const asked = await run(PEOPLE.dev.email, ['s3_grant_data_lake_read', '--ttl', '1h', '--justification', 'Rebuild the Q3 revenue report from raw data']);
    expect(asked.code, asked.stdout).toBe(0);
    expect(asked.json).toMatchObject({ status: 'approval_pending', tool_name: 's3_grant_data_lake_read', requester: PEOPLE.dev.email });
    requestId = asked.json.request_id as string;

    const messages = h.messagesIn();
    expect(messages).toHaveLength(1);
    const posted = JSON.stringify(messages[0]!.blocks);
    expect(posted).toContain(requestId);
    // The approvers see what they approve: the bucket and the policy it would become.
    expect(posted).toContain('s3:GetObject, s3:ListBucket on arn:aws:s3:::company-data-lake, arn:aws:s3:::company-data-lake-archive');
    expect(await jitResources(aws.iam)).toEqual([]);
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([]);
  });

  it('on approval creates the per-grant policy, attached to the requester, every statement ending at expires_at', async () => {
    const approved = await run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', requestId, '--approval_action', 'approve']);
    expect(approved.code, approved.stdout).toBe(0);
    expect(approved.json).toMatchObject({ status: 'access_granted', decided_by: PEOPLE.alice.email });
    expiresAt = approved.json.expires_at as string;

    const attached = await attachedPolicies(aws.iam, 'dev');
    expect(attached).toHaveLength(1);
    const policy = await readPolicy(aws.iam, attached[0]!);
    expect(policy.path).toBe(`/kubiya-jit/${requestId}/`);
    expect(policy.tags['kubiya-jit:grant-id']).toBe(requestId);
    const statements = policy.document.Statement;
    expect(statements.length).toBeGreaterThan(0);
    // IAM conditions are written to the second; the grant ends no later than the request's expires_at.
    const expirySecond = Math.floor(Date.parse(expiresAt) / 1000) * 1000;
    for (const statement of statements) {
      expect(Date.parse(statement.Condition?.DateLessThan?.['aws:CurrentTime'] ?? '')).toBe(expirySecond);
    }
    // What it allows; the rest are the built-in template's denies of permission management.
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(statements.filter((s) => s.Effect !== 'Allow').map((s) => s.Effect)).toEqual(['Deny', 'Deny']);
    expect(statements.find((s) => s.Effect === 'Deny' && [s.Action].flat().includes('s3:PutBucketPolicy'))?.Resource).toContain('arn:aws:s3:::company-data-lake');
    const actions = allows.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual(['s3:GetObject', 's3:ListBucket']);
    const resources = allows.flatMap((s) => [s.Resource].flat()).sort();
    expect(resources).toEqual([
      'arn:aws:s3:::company-data-lake',
      'arn:aws:s3:::company-data-lake-archive',
      'arn:aws:s3:::company-data-lake-archive/*',
      'arn:aws:s3:::company-data-lake/*',
    ]);
  });

  it('s3_revoke_<name> as the requester detaches and deletes the policy, and the request is revoked', async () => {
    const revoked = await run(PEOPLE.dev.email, ['s3_revoke_data_lake_read', '--reason', 'Report rebuilt']);
    expect(revoked.code, revoked.stdout).toBe(0);
    expect(revoked.json).toMatchObject({ request_id: requestId, status: 'revoked' });
    expect(await attachedPolicies(aws.iam, 'dev')).toEqual([]);
    expect(await jitResources(aws.iam)).toEqual([]);

    const described = await run(PEOPLE.dev.email, ['describe_access_request', '--request_id', requestId]);
    expect(described.json.status).toBe('revoked');
    expect((described.json.history as { type: string }[]).map((e) => e.type)).toEqual(expect.arrayContaining(['access_granted', 'revocation_started', 'access_revoked']));
  });

  it('a second s3_revoke_<name> says there is nothing active to end', async () => {
    const again = await run(PEOPLE.dev.email, ['s3_revoke_data_lake_read', '--reason', 'again']);
    expect(again.code).toBe(1);
    expect(again.json).toMatchObject({ code: 'revoke.nothing_active' });
  });
});
