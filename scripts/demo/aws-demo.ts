import { motoAvailable, startMotoServer } from '../standins/moto-server.js';

/**
 * The AWS part of the demo: when `moto_server` is on PATH, starts moto on a free loopback port, creates an
 * IAM user, and shows an S3 grant and its revocation through the `aws-s3` provider with the user's
 * attached policies before and after, read back from IAM. Returns false, saying so, when moto is absent.
 */
export async function runAwsDemo(print: (line: string) => void): Promise<boolean> {
  if (!motoAvailable()) {
    print('AWS demo skipped: moto_server is not on PATH (pip install "moto[server]" to see it).');
    return false;
  }
  const moto = await startMotoServer();
  try {
    // The SDK is imported only now, so the rest of the demo never loads it.
    const { IAMClient, CreateUserCommand, ListAttachedUserPoliciesCommand, GetPolicyCommand, GetPolicyVersionCommand } = await import('@aws-sdk/client-iam');
    const { DynamicPolicyProvider } = await import('../adapters/aws/dynamic-policy-provider.js');
    const { defaultAwsSettings } = await import('../adapters/aws/aws-settings.js');
    // Explicit dummy credentials: real ones, if the machine has any, are never sent, even to localhost.
    const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' } });
    const attached = async () => ((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice' }))).AttachedPolicies ?? []).map((p) => p.PolicyName);
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    print(`AWS (moto at ${moto.endpoint}): IAM user alice created for alice@example.com`);
    print(`  before the grant, alice's policies: ${JSON.stringify(await attached())}`);

    const log = { info: () => {}, warn: () => {}, error: (m: string) => print(`  error: ${m}`) };
    const provider = new DynamicPolicyProvider('aws-s3', iam, defaultAwsSettings({ endpoint: moto.endpoint }), log);
    const ctx = {
      grantId: 'demo-grant-1',
      requestId: 'demo-request-1',
      userEmail: 'alice@example.com',
      toolName: 's3_grant_data_lake_read',
      params: {},
      expiresAt: Date.now() + 3_600_000,
      approvedBy: 'bob@example.com',
      settings: { buckets: ['company-data-lake'], policy_template: 'S3ReadOnlyPolicy' },
    };
    await provider.grant(ctx);
    const after = await attached();
    print(`  after s3_grant_data_lake_read is approved, alice's policies: ${JSON.stringify(after)}`);
    const listed = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice' }));
    const arn = listed.AttachedPolicies?.[0]?.PolicyArn;
    if (arn) {
      const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
      const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId }));
      print(`  its document, as IAM holds it: ${decodeURIComponent(version.PolicyVersion?.Document ?? '')}`);
    }
    await provider.revoke(ctx);
    print(`  after the revocation, alice's policies: ${JSON.stringify(await attached())}`);
    await provider.revoke(ctx);
    print('  revoking again changes nothing (idempotent)');
    return true;
  } finally {
    await moto.stop();
  }
}
