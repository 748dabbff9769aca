import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRunnerPolicy, type RunnerPolicyEntry } from '../../../scripts/adapters/aws/runner-policy.js';
import { defaultAwsSettings } from '../../../scripts/adapters/aws/aws-settings.js';
import type { PolicyDocument } from '../../../scripts/adapters/aws/policy-document.js';
import { buildFullCatalog } from '../../../scripts/app/build-catalog-all.js';
import { loadConfig } from '../../../scripts/config/load-config.js';

const ADAPTERS = 'scripts/adapters/aws';
const PREFIX: Record<string, string> = { '@aws-sdk/client-iam': 'iam', '@aws-sdk/client-sso-admin': 'sso', '@aws-sdk/client-identitystore': 'identitystore' };
/** Permissions AWS requires beyond the call's own action: creating a resource with tags needs the tag action. */
const IMPLIED: Record<string, string[]> = { 'iam:CreatePolicy': ['iam:TagPolicy'], 'iam:CreateInstanceProfile': ['iam:TagInstanceProfile'] };

/** Every `new XCommand(` in the AWS adapters, as the IAM action it needs (`iam:AttachUserPolicy`). */
async function actionsUsed(): Promise<Set<string>> {
  const used = new Set<string>();
  for (const file of (await readdir(ADAPTERS)).filter((f) => f.endsWith('.ts'))) {
    const source = await readFile(join(ADAPTERS, file), 'utf8');
    const moduleOf = new Map<string, string>();
    for (const match of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g)) {
      for (const name of match[1]!.split(',').map((n) => n.replace(/^\s*type\s+/, '').trim())) moduleOf.set(name, match[2]!);
    }
    for (const match of source.matchAll(/new\s+(\w+)Command\s*\(/g)) {
      const module = moduleOf.get(`${match[1]}Command`);
      expect(module, `${file}: ${match[1]}Command is not imported from an AWS SDK client`).toBeDefined();
      const action = `${PREFIX[module!]}:${match[1]}`;
      used.add(action);
      for (const implied of IMPLIED[action] ?? []) used.add(implied);
    }
  }
  return used;
}

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string | string[]>> };
const statementsOf = (policy: PolicyDocument) => policy.Statement as unknown as Statement[];
const allowed = (policy: PolicyDocument) => new Set(statementsOf(policy).filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat()));
/** The resources a policy allows `action` on. */
const resourcesFor = (policy: PolicyDocument, action: string) => statementsOf(policy).filter((s) => [s.Action].flat().includes(action)).flatMap((s) => [s.Resource].flat());

/** A config with one entry of every kind, an Identity Center entry that caps sessions included. */
const EVERY_KIND: RunnerPolicyEntry[] = [
  { provider: 'aws-iam-policy', settings: { policy_name: 'DbReadOnly', aws_account_id: '111122223333' } },
  { provider: 'aws-iam-dynamic', settings: { template: 'QueueRead' } },
  { provider: 'aws-s3', settings: { policy_template: 'S3ReadOnlyPolicy', buckets: ['lake'] } },
  { provider: 'aws-identity-center', settings: { account_id: '444455556666', permission_set: 'Ops', long_sessions: 'cap' } },
  { provider: 'aws-role-trust', settings: { role_name: 'deploy', account_id: '111122223333' } },
];
const everyKindSettings = defaultAwsSettings({ roleTrust: [{ name: 'Deploy', roleName: 'deploy', description: 'd', sessionDuration: 'PT1H', accountId: '111122223333' }] });

describe('kubiya-jit aws runner-policy (renderRunnerPolicy)', () => {
  it('allows every AWS API the adapters call, and nothing else, for a config using every kind of entry', async () => {
    const used = await actionsUsed();
    expect(used.size).toBeGreaterThan(30);
    const policy = renderRunnerPolicy(everyKindSettings, EVERY_KIND);
    const allows = allowed(policy);
    expect([...used].filter((action) => !allows.has(action))).toEqual([]);
    expect([...allows].filter((action) => !used.has(action))).toEqual([]);
    expect([...allows].filter((action) => action.includes('*'))).toEqual([]);
  });

  it('limits role writes to the configured roles, attachments to the configured policies and the package path', () => {
    const policy = renderRunnerPolicy(everyKindSettings, EVERY_KIND);
    for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRole']) {
      expect(resourcesFor(policy, action)).toEqual(['arn:aws:iam::111122223333:role/deploy']);
    }
    const attach = statementsOf(policy).find((s) => [s.Action].flat().includes('iam:AttachUserPolicy'))!;
    expect(attach.Condition?.ArnLike?.['iam:PolicyARN']).toEqual([
      'arn:aws:iam::111122223333:policy/DbReadOnly',
      'arn:aws:iam::aws:policy/DbReadOnly',
      'arn:aws:iam::*:policy/kubiya-jit/*',
    ]);
    expect(resourcesFor(policy, 'iam:CreatePolicy')).toEqual(['arn:aws:iam::*:policy/kubiya-jit/*']);
    expect(resourcesFor(policy, 'sso:CreateAccountAssignment')).toContain('arn:aws:sso:::account/444455556666');
    expect(resourcesFor(policy, 'sso:CreateAccountAssignment')).not.toContain('arn:aws:sso:::account/*');
  });

  it('allows nothing for kinds of entry the config does not use', () => {
    const s3Only = renderRunnerPolicy(defaultAwsSettings(), [EVERY_KIND[2]!]);
    const allows = allowed(s3Only);
    for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'sso:CreateAccountAssignment', 'iam:GetPolicy', 'sso:UpdatePermissionSet']) {
      expect(allows.has(action), action).toBe(false);
    }
    // Without a cap, the permission set's session duration is never changed.
    const noCap = renderRunnerPolicy(defaultAwsSettings(), [{ provider: 'aws-identity-center', settings: { account_id: '444455556666', permission_set: 'Ops' } }]);
    expect(allowed(noCap).has('sso:UpdatePermissionSet')).toBe(false);
    expect(allowed(noCap).has('sso:CreateAccountAssignment')).toBe(true);
  });

  it('is what configs/aws/runner-policy.json ships, for the shipped config', async () => {
    const config = await loadConfig({ JIT_CONFIG: 'configs/jit.yaml' });
    const { catalog, aws } = await buildFullCatalog(config);
    const generated = renderRunnerPolicy(aws as never, catalog.list().filter((e) => e.provider.startsWith('aws-')));
    const shipped = JSON.parse(await readFile('configs/aws/runner-policy.json', 'utf8')) as PolicyDocument;
    expect(shipped).toEqual(JSON.parse(JSON.stringify(generated)));
    expect(resourcesFor(shipped, 'iam:UpdateAssumeRolePolicy')).toEqual(['arn:aws:iam::*:role/prod-deploy']);
  });
});
