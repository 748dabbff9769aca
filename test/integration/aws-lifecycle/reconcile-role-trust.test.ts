import { AttachUserPolicyCommand, GetRolePolicyCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { attachedPolicies, createIamUser, createManagedPolicy, createRole, MOTO_ACCOUNT, motoClients, runAws, trustStatements, type MotoClients } from '../../support/aws-harness.js';

describe('kubiya-jit reconcile: trust statements, session denies and attachments', () => {
  let moto: Moto;
  let aws: MotoClients;
  let h: LifecycleHarness;
  const run = (as: string | undefined, args: string[]) => runAws(h, moto, as, args);
  const granted = async (as: string): Promise<string> => {
    const asked = await run(as, ['role_trust_grant_deploy', '--ttl', '1h', '--justification', 'Roll out release 4.3']);
    const id = asked.json.request_id as string;
    const approved = await run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    expect(approved.json.status, approved.stdout).toBe('access_granted');
    return id;
  };

  beforeAll(async () => {
    moto = await startMoto();
    aws = motoClients(moto);
    h = await LifecycleHarness.start((config) => {
      config.policies = [{ policy_name: 'DbReadOnly', aws_account_id: MOTO_ACCOUNT, request_name: 'DB Read Only' }];
      config.aws = { role_trust: [{ name: 'Deploy', role_name: 'deploy', description: 'Assume the deploy role', session_duration: 'PT1H' }] };
    });
    await createIamUser(aws.iam, 'dev');
    await createIamUser(aws.iam, 'carol');
    await createRole(aws.iam, 'deploy');
  });
  afterAll(async () => {
    await h?.close();
    await moto?.stop();
  });

  it('reports what no active request accounts for, and --fix removes only what the package wrote and is over', { timeout: 240_000 }, async () => {
    const active = await granted(PEOPLE.dev.email);
    const over = await granted(PEOPLE.carol.email);
    // carol's request closed without its removal (a crash, a manual edit): her statement is still there.
    const store = SqliteRequestStore.open(h.databasePath);
    // Closed with its audit event, as a crash after the record and before the removal leaves it: a bare edit of
    // the row would be restored from its events by the integrity check.
    const closing = (await store.get(over))!;
    const closed = { ...closing, status: 'revoked' as const, version: closing.version + 1, endedAt: Date.now() };
    expect(await store.update(closing, closed, [{ requestId: over, type: 'access_revoked', actor: 'test', at: Date.now(), data: { to: 'revoked' } }])).toBe(true);
    await store.close();
    // A statement in the package's form that no request here knows (forged, or another deployment's).
    const forgedSid = `KubiyaJit${'cd'.repeat(12)}`;
    const current = await trustStatements(aws.iam, 'deploy');
    const forged = { Sid: forgedSid, Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:user/mallory` }, Action: 'sts:AssumeRole' };
    await aws.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'deploy', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [...current, forged] }) }));
    // A session deny past its removal time, beside an operator's own statement in the same inline policy.
    const theirs = { Sid: 'OpsFreeze', Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' };
    const stale = {
      Sid: `KubiyaJitDeny${'ef'.repeat(12)}`,
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:userid': 'AROAOLD:old@example.com' }, DateLessThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z', 'aws:CurrentTime': '2020-01-01T01:05:00Z' } },
    };
    await aws.iam.send(new PutRolePolicyCommand({ RoleName: 'deploy', PolicyName: 'kubiya-jit-session-deny', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [theirs, stale] }) }));
    // An attachment no grant holds (standing access, or made by hand): reported, never touched.
    const arn = await createManagedPolicy(aws.iam, 'DbReadOnly');
    await aws.iam.send(new AttachUserPolicyCommand({ UserName: 'carol', PolicyArn: arn }));

    const report = await run(undefined, ['reconcile']);
    expect(report.code, report.stdout).toBe(1);
    expect(report.json.active).toEqual([active]);
    expect(report.json.leftovers).toEqual([{ grant_id: over, status: 'revoked', removed: false }]);
    expect(report.json.unknown).toEqual([forgedSid]);
    const findings = report.json.findings as { provider: string; what: string; state: string }[];
    expect(findings.filter((f) => f.state === 'leftover').map((f) => f.what)).toEqual([expect.stringContaining('session deny for "old@example.com" on role deploy')]);
    expect(findings.filter((f) => f.state === 'unaccounted').map((f) => f.what)).toEqual([expect.stringContaining(`${arn} attached to IAM user carol: no active grant holds it`)]);

    const fixed = await run(undefined, ['reconcile', '--fix']);
    expect(fixed.json.leftovers).toEqual([{ grant_id: over, status: 'revoked', removed: true }]);
    // Still 1: the forged statement is unknown, and stays.
    expect(fixed.code).toBe(1);
    const principals = (await trustStatements(aws.iam, 'deploy')).map((s) => s.Principal.AWS).filter(Boolean);
    expect(principals).toEqual([`arn:aws:iam::${MOTO_ACCOUNT}:root`, `arn:aws:iam::${MOTO_ACCOUNT}:user/dev`, `arn:aws:iam::${MOTO_ACCOUNT}:user/mallory`]);
    const deny = JSON.parse(decodeURIComponent((await aws.iam.send(new GetRolePolicyCommand({ RoleName: 'deploy', PolicyName: 'kubiya-jit-session-deny' }))).PolicyDocument!)) as { Statement: { Sid: string; Condition?: { StringEquals?: Record<string, string> } }[] };
    // The stale deny is gone, the operator's stays, and removing carol's statement denied her older sessions.
    expect(deny.Statement.map((s) => s.Sid === 'OpsFreeze' ? 'OpsFreeze' : s.Condition?.StringEquals?.['aws:userid']?.split(':')[1])).toEqual(['OpsFreeze', 'carol@example.com']);
    expect(await attachedPolicies(aws.iam, 'carol')).toEqual([arn]);
  });
});
