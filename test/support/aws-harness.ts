import {
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListInstanceProfilesCommand,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
} from '@aws-sdk/client-iam';
import { CreateUserCommand as CreateStoreUserCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { CreatePermissionSetCommand, ListAccountAssignmentsCommand, ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliRun, LifecycleHarness } from './lifecycle-harness.js';
import type { Moto } from './moto.js';

/** moto's default account: every resource the tests create lives in it. */
export const MOTO_ACCOUNT = '123456789012';

/** SDK clients pointed at moto, for setting up AWS and for reading its state independently of the package. */
export interface MotoClients {
  iam: IAMClient;
  sso: SSOAdminClient;
  store: IdentitystoreClient;
}

/** Builds the real SDK clients against moto. */
export function motoClients(moto: Moto): MotoClients {
  const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  return { iam: new IAMClient(config), sso: new SSOAdminClient(config), store: new IdentitystoreClient(config) };
}

/** The environment a CLI run needs to reach moto through the SDK's standard chain. */
export function awsEnv(moto: Moto): Record<string, string> {
  return { AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
}

/** Runs `kubiya-jit <args> --output json` as `as`, with the AWS environment pointing at moto. */
export function runAws(h: LifecycleHarness, moto: Moto, as: string | undefined, args: string[]): Promise<CliRun> {
  return h.run(as, args, { env: awsEnv(moto) });
}

/** Writes a JSON file (access_configs.json, s3_configs.json) beside the harness's config file. */
export function writeConfigFile(h: LifecycleHarness, name: string, content: unknown): void {
  writeFileSync(join(h.dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

/** Creates an IAM user. */
export async function createIamUser(iam: IAMClient, userName: string): Promise<void> {
  await iam.send(new CreateUserCommand({ UserName: userName }));
}

/** Creates a customer-managed policy, as an admin would have before configuring it in `policies`. */
export async function createManagedPolicy(iam: IAMClient, name: string): Promise<string> {
  const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'rds:Describe*', Resource: '*' }] };
  const out = await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify(document) }));
  return out.Policy!.Arn!;
}

/** The ARNs of the managed policies attached to an IAM user. */
export async function attachedPolicies(iam: IAMClient, userName: string): Promise<string[]> {
  const out = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }));
  return (out.AttachedPolicies ?? []).map((p) => p.PolicyArn!);
}

/** A policy as IAM holds it: its path, tags and default version's document. */
export interface StoredPolicy {
  arn: string;
  path: string;
  tags: Record<string, string>;
  document: { Statement: { Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string>> }[] };
}

/** Reads a managed policy, its tags and its current document from IAM. */
export async function readPolicy(iam: IAMClient, arn: string): Promise<StoredPolicy> {
  const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!;
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.DefaultVersionId }));
  const tags = await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }));
  return {
    arn,
    path: policy.Path ?? '/',
    tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key!, t.Value!])),
    // IAM returns policy documents URL-encoded.
    document: JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!)) as StoredPolicy['document'],
  };
}

/** Every customer-managed policy and instance profile under `/kubiya-jit/`: what the package left in IAM. */
export async function jitResources(iam: IAMClient): Promise<string[]> {
  const policies = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
  const profiles = await iam.send(new ListInstanceProfilesCommand({}));
  return [
    ...(policies.Policies ?? []).filter((p) => p.Path?.startsWith('/kubiya-jit/')).map((p) => `policy:${p.PolicyName}`),
    ...(profiles.InstanceProfiles ?? []).filter((p) => p.Path?.startsWith('/kubiya-jit/')).map((p) => `hold:${p.InstanceProfileName}`),
  ].sort();
}

/** A trust-policy statement as IAM returns it. */
export type TrustStatement = { Sid?: string; Effect: string; Principal: Record<string, string | string[]>; Action: string; Condition?: Record<string, Record<string, string>> };

/** Creates a role whose trust policy already admits EC2 and a CI account (with a condition), as roles in the wild do. */
export async function createRole(iam: IAMClient, roleName: string): Promise<TrustStatement[]> {
  const statements: TrustStatement[] = [
    { Sid: 'Ec2', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    { Sid: 'Ci', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MOTO_ACCOUNT}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'ci-7f3a' } } },
  ];
  await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  return statements;
}

/** The role's trust statements, read from IAM. */
export async function trustStatements(iam: IAMClient, roleName: string): Promise<TrustStatement[]> {
  const out = await iam.send(new GetRoleCommand({ RoleName: roleName }));
  const document = JSON.parse(decodeURIComponent(out.Role!.AssumeRolePolicyDocument!)) as { Statement: TrustStatement[] | TrustStatement };
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

/** The Identity Center instance moto provides, a permission set in it, and identity-store users. */
export interface IdentityCenterSetup {
  instanceArn: string;
  storeId: string;
  permissionSetArn: string;
  userIds: Record<string, string>;
}

/** Creates the permission set and one identity-store user per `userNames` entry in moto's default instance. */
export async function setupIdentityCenter(c: MotoClients, permissionSet: string, userNames: string[]): Promise<IdentityCenterSetup> {
  const instance = (await c.sso.send(new ListInstancesCommand({}))).Instances![0]!;
  const instanceArn = instance.InstanceArn!;
  const storeId = instance.IdentityStoreId!;
  const userIds: Record<string, string> = {};
  for (const userName of userNames) {
    const out = await c.store.send(
      new CreateStoreUserCommand({ IdentityStoreId: storeId, UserName: userName, DisplayName: userName, Name: { GivenName: userName, FamilyName: 'Test' } }),
    );
    userIds[userName] = out.UserId!;
  }
  const set = await c.sso.send(new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: permissionSet }));
  return { instanceArn, storeId, permissionSetArn: set.PermissionSet!.PermissionSetArn!, userIds };
}

/** The principal ids assigned the permission set in the account, read from sso-admin. */
export async function assignedPrincipals(c: MotoClients, setup: IdentityCenterSetup, accountId = MOTO_ACCOUNT): Promise<string[]> {
  const out = await c.sso.send(new ListAccountAssignmentsCommand({ InstanceArn: setup.instanceArn, AccountId: accountId, PermissionSetArn: setup.permissionSetArn }));
  return (out.AccountAssignments ?? []).map((a) => a.PrincipalId!);
}
