import {
  AttachUserPolicyCommand,
  DetachUserPolicyCommand,
  GetUserCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { ValidationError } from '../../core/errors.js';
import { callAws, isNotFound, unlessNotFound, upstream } from './aws-errors.js';

/** Throws a ValidationError (`aws.principal_not_found`) when the IAM user does not exist. */
export async function assertIamUser(iam: IAMClient, userName: string, email: string): Promise<void> {
  const found = await unlessNotFound(`look up IAM user ${userName}`, () => iam.send(new GetUserCommand({ UserName: userName })));
  if (!found?.User) {
    throw new ValidationError('aws.principal_not_found', `${email} maps to IAM user ${userName}, which does not exist. Create the user or fix aws.principals in the config.`, {
      email,
      userName,
    });
  }
}

/** Whether the managed policy is attached to the user; a missing user has nothing attached. */
export async function isPolicyAttached(iam: IAMClient, userName: string, policyArn: string): Promise<boolean> {
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName, Marker: marker }));
    } catch (err) {
      if (isNotFound(err)) return false;
      throw upstream(`list the policies of IAM user ${userName}`, err);
    }
    if ((page.AttachedPolicies ?? []).some((policy) => policy.PolicyArn === policyArn)) return true;
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return false;
}

/** Attaches the policy to the user (attaching twice is a no-op in IAM). */
export async function attachPolicy(iam: IAMClient, userName: string, policyArn: string): Promise<void> {
  await callAws(`attach ${policyArn} to IAM user ${userName}`, () => iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: policyArn })));
}

/** Detaches the policy from the user; a policy already detached (or a user gone) is success. */
export async function detachPolicy(iam: IAMClient, userName: string, policyArn: string): Promise<void> {
  await unlessNotFound(`detach ${policyArn} from IAM user ${userName}`, () =>
    iam.send(new DetachUserPolicyCommand({ UserName: userName, PolicyArn: policyArn })),
  );
}

/** The IAM users a managed policy is attached to; none when the policy is gone. */
export async function policyUsers(iam: IAMClient, policyArn: string): Promise<string[]> {
  const users: string[] = [];
  let marker: string | undefined;
  do {
    const page = await unlessNotFound(`list the users of ${policyArn}`, () => iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: policyArn, EntityFilter: 'User', Marker: marker })));
    if (!page) return users;
    users.push(...(page.PolicyUsers ?? []).map((user) => user.UserName ?? '').filter(Boolean));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return users.sort();
}
