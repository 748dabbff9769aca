import {
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetRoleCommand,
  ListAttachedUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { CreateUserCommand as CreateStoreUserCommand, GetUserIdCommand, type IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  CreatePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsCoordination, type AwsCoordination } from '../../../scripts/adapters/aws/aws-coordination.js';
import { defaultAwsSettings, DEFAULT_PRINCIPAL_MAPPING, type AwsSettings } from '../../../scripts/adapters/aws/aws-settings.js';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import type { GrantContext } from '../../../scripts/core/ports.js';
import type { Json } from '../../../scripts/core/types.js';

/** moto's default account. */
export const ACCOUNT = '123456789012';
export const KNOWN = 'alice@example.com';
export const UNKNOWN = 'bob@example.com';
export const UNMAPPABLE = 'mallory@evil.test';

/** AWS settings for tests: only example.com maps, polling waits a millisecond. */
export function testSettings(endpoint: string, extra: Partial<AwsSettings> = {}): AwsSettings {
  return defaultAwsSettings({
    endpoint,
    region: 'us-east-1',
    principals: { ...DEFAULT_PRINCIPAL_MAPPING, allowedDomains: ['example.com'] },
    poll: { maxAttempts: 5, initialDelayMs: 1, maxDelayMs: 2 },
    locks: { leaseMs: 2_000, waitMs: 10_000 },
    verify: { reads: 3, delayMs: 1, writes: 2 },
    ...extra,
  });
}

/** A grant context expiring in an hour. */
export function grantCtx(grantId: string, toolName: string, settings: Record<string, Json>, email = KNOWN): GrantContext {
  return {
    grantId,
    requestId: `req-${grantId}`,
    userEmail: email,
    toolName,
    params: {},
    expiresAt: Date.UTC(2030, 0, 1, 12, 0, 0),
    approvedBy: 'approver@example.com',
    settings,
  };
}

/** Creates the IAM user `alice`. */
export async function createAlice(iam: IAMClient): Promise<void> {
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
}

/** Creates an existing customer-managed policy, as an admin would have. */
export async function createManagedPolicy(iam: IAMClient, name: string): Promise<string> {
  const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'rds:Describe*', Resource: '*' }] };
  const out = await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify(document) }));
  return out.Policy!.Arn!;
}

/** The ARNs of the managed policies attached to the user; none when the user does not exist. */
export async function attachedPolicies(iam: IAMClient, userName: string): Promise<string[]> {
  try {
    const out = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }));
    return (out.AttachedPolicies ?? []).map((p) => p.PolicyArn!);
  } catch {
    return [];
  }
}

/** Creates a role whose trust policy already admits EC2, as roles in the wild do. */
export async function createRole(iam: IAMClient, roleName: string): Promise<void> {
  const trust = { Version: '2012-10-17', Statement: [{ Sid: 'Ec2', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
}

/** The role's trust statements, read from IAM. */
export async function trustStatements(iam: IAMClient, roleName: string): Promise<Record<string, Json>[]> {
  const out = await iam.send(new GetRoleCommand({ RoleName: roleName }));
  const document = JSON.parse(decodeURIComponent(out.Role!.AssumeRolePolicyDocument!)) as { Statement: Record<string, Json>[] };
  return document.Statement;
}

/** Identity Center set-up: the instance, a user `alice@example.com`, a permission set. */
export async function setupIdentityCenter(sso: SSOAdminClient, store: IdentitystoreClient, permissionSet: string): Promise<{ instanceArn: string; storeId: string }> {
  const instances = await sso.send(new ListInstancesCommand({}));
  const instanceArn = instances.Instances![0]!.InstanceArn!;
  const storeId = instances.Instances![0]!.IdentityStoreId!;
  await store.send(
    new CreateStoreUserCommand({ IdentityStoreId: storeId, UserName: KNOWN, DisplayName: 'Alice', Name: { GivenName: 'Alice', FamilyName: 'Doe' } }),
  );
  await sso.send(new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: permissionSet }));
  return { instanceArn, storeId };
}

/** Whether the identity-store user has any assignment in the account, read from sso-admin. */
export async function hasAssignment(sso: SSOAdminClient, store: IdentitystoreClient, instanceArn: string, storeId: string, userName: string): Promise<boolean> {
  let userId: string | undefined;
  try {
    userId = (await store.send(new GetUserIdCommand({ IdentityStoreId: storeId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: userName } } }))).UserId;
  } catch {
    return false;
  }
  const { PermissionSets } = await sso.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn }));
  for (const permissionSetArn of PermissionSets ?? []) {
    const out = await sso.send(new ListAccountAssignmentsCommand({ InstanceArn: instanceArn, AccountId: ACCOUNT, PermissionSetArn: permissionSetArn }));
    if ((out.AccountAssignments ?? []).some((a) => a.PrincipalId === userId)) return true;
  }
  return false;
}

/** A fresh SQLite store in a temporary folder: the locks, holds and follow-ups the providers share. */
export function testStore(): SqliteRequestStore {
  return SqliteRequestStore.open(join(mkdtempSync(join(tmpdir(), 'jit-aws-')), 'jit.sqlite'));
}

/** Coordination through `store` (a fresh one by default), optionally with a fixed clock. */
export function testCoordination(store: SqliteRequestStore = testStore(), now?: () => number): AwsCoordination {
  return awsCoordination(store, now ? { now } : {});
}
