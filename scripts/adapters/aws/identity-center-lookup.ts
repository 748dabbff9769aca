import { GetUserIdCommand, type IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { UpstreamError, ValidationError } from '../../core/errors.js';
import { callAws, unlessNotFound } from './aws-errors.js';

/** The Identity Center instance the assignments are made in. */
export interface IdentityCenterInstance {
  instanceArn: string;
  identityStoreId: string;
}

/** The configured instance, or the first one `ListInstances` returns (an organisation has one). */
export async function resolveInstance(sso: SSOAdminClient, configured: { instanceArn?: string; identityStoreId?: string }): Promise<IdentityCenterInstance> {
  if (configured.instanceArn && configured.identityStoreId) return { instanceArn: configured.instanceArn, identityStoreId: configured.identityStoreId };
  const out = await callAws('list the IAM Identity Center instances', () => sso.send(new ListInstancesCommand({})));
  const instance = (out.Instances ?? []).find((item) => !configured.instanceArn || item.InstanceArn === configured.instanceArn);
  if (!instance?.InstanceArn || !instance.IdentityStoreId) {
    throw new UpstreamError('aws.no_identity_center', 'No IAM Identity Center instance is visible to the runner. Enable Identity Center or set aws.identity_center in the config.');
  }
  return { instanceArn: instance.InstanceArn, identityStoreId: instance.IdentityStoreId };
}

/** The identity store user id of `userName`; a ValidationError when there is no such user. */
export async function findUserId(store: IdentitystoreClient, identityStoreId: string, userName: string, email: string): Promise<string> {
  const out = await unlessNotFound(`look up Identity Center user ${userName}`, () =>
    store.send(new GetUserIdCommand({ IdentityStoreId: identityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: userName } } })),
  );
  if (!out?.UserId) {
    throw new ValidationError('aws.principal_not_found', `${email} maps to IAM Identity Center user ${userName}, who does not exist. Fix aws.principals in the config.`, {
      email,
      userName,
    });
  }
  return out.UserId;
}

/** A permission set found by name: its ARN and how long its sessions last (ISO 8601; AWS's default is PT1H). */
export interface FoundPermissionSet {
  arn: string;
  sessionDuration: string;
}

/** The permission set called `name` (listed, then described one by one: AWS has no lookup by name). */
export async function findPermissionSet(sso: SSOAdminClient, instanceArn: string, name: string): Promise<FoundPermissionSet> {
  let token: string | undefined;
  do {
    const page = await callAws('list the permission sets', () => sso.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn, NextToken: token })));
    for (const arn of page.PermissionSets ?? []) {
      const described = await callAws('describe a permission set', () => sso.send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn })));
      if (described.PermissionSet?.Name === name) return { arn, sessionDuration: described.PermissionSet.SessionDuration ?? 'PT1H' };
    }
    token = page.NextToken;
  } while (token);
  throw new ValidationError('aws.permission_set_not_found', `Permission set ${name} does not exist in IAM Identity Center. Fix permission_set in configs/access_configs.json.`, {
    permissionSet: name,
  });
}

/** Whether the user has the permission set in the account now. */
export async function isAssigned(sso: SSOAdminClient, instanceArn: string, accountId: string, permissionSetArn: string, userId: string): Promise<boolean> {
  let token: string | undefined;
  do {
    const page = await callAws('list the account assignments', () =>
      sso.send(new ListAccountAssignmentsCommand({ InstanceArn: instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn, NextToken: token })),
    );
    if ((page.AccountAssignments ?? []).some((item) => item.PrincipalType === 'USER' && item.PrincipalId === userId)) return true;
    token = page.NextToken;
  } while (token);
  return false;
}
