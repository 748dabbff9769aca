import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetProvisioningStatusCommand,
  ProvisionPermissionSetCommand,
  UpdatePermissionSetCommand,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { waitForOperation, type OperationStatus, type Sleep } from './assignment-poller.js';
import { callAws } from './aws-errors.js';
import type { PollSettings } from './aws-settings.js';

/** One account assignment: this permission set, for this user, in this account. */
export interface Assignment {
  instanceArn: string;
  accountId: string;
  permissionSetArn: string;
  userId: string;
}

/** How the asynchronous calls wait, and a seam that sees (and may replace) every status AWS reports. */
export interface AssignmentWaiting {
  poll: PollSettings;
  sleep: Sleep;
  observe: (operation: 'create' | 'delete', raw: { Status?: string; FailureReason?: string } | undefined) => OperationStatus;
}

function input(a: Assignment) {
  return { InstanceArn: a.instanceArn, TargetId: a.accountId, TargetType: 'AWS_ACCOUNT' as const, PermissionSetArn: a.permissionSetArn, PrincipalType: 'USER' as const, PrincipalId: a.userId };
}

/** Creates the assignment and waits until AWS reports SUCCEEDED. */
export async function assign(sso: SSOAdminClient, a: Assignment, w: AssignmentWaiting): Promise<void> {
  const out = await callAws('create the account assignment', () => sso.send(new CreateAccountAssignmentCommand(input(a))));
  const requestId = out.AccountAssignmentCreationStatus?.RequestId;
  const describe = async (): Promise<OperationStatus> => {
    const status = await callAws('check the account assignment', () =>
      sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: a.instanceArn, AccountAssignmentCreationRequestId: requestId })),
    );
    return w.observe('create', status.AccountAssignmentCreationStatus);
  };
  await waitForOperation('assign the permission set', w.observe('create', out.AccountAssignmentCreationStatus), describe, w.poll, w.sleep);
}

/** Deletes the assignment and waits until AWS reports SUCCEEDED. */
export async function unassign(sso: SSOAdminClient, a: Assignment, w: AssignmentWaiting): Promise<void> {
  const out = await callAws('delete the account assignment', () => sso.send(new DeleteAccountAssignmentCommand(input(a))));
  const requestId = out.AccountAssignmentDeletionStatus?.RequestId;
  const describe = async (): Promise<OperationStatus> => {
    const status = await callAws('check the assignment deletion', () =>
      sso.send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn: a.instanceArn, AccountAssignmentDeletionRequestId: requestId })),
    );
    return w.observe('delete', status.AccountAssignmentDeletionStatus);
  };
  await waitForOperation('delete the account assignment', w.observe('delete', out.AccountAssignmentDeletionStatus), describe, w.poll, w.sleep);
}

/**
 * Lowers a permission set's session duration (an entry's `long_sessions: cap`) and provisions it again to
 * the accounts it is provisioned to, waiting for AWS to finish, so the shorter sessions apply there.
 */
export async function capSessionDuration(sso: SSOAdminClient, instanceArn: string, permissionSetArn: string, isoDuration: string, w: AssignmentWaiting): Promise<void> {
  await callAws('lower the permission set session duration', () => sso.send(new UpdatePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, SessionDuration: isoDuration })));
  const out = await callAws('provision the permission set', () =>
    sso.send(new ProvisionPermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, TargetType: 'ALL_PROVISIONED_ACCOUNTS' })),
  );
  const requestId = out.PermissionSetProvisioningStatus?.RequestId;
  const status = (raw: { Status?: string; FailureReason?: string } | undefined): OperationStatus => ({ status: raw?.Status ?? 'IN_PROGRESS', ...(raw?.FailureReason ? { failureReason: raw.FailureReason } : {}) });
  const describe = async (): Promise<OperationStatus> =>
    status(
      (await callAws('check the permission set provisioning', () => sso.send(new DescribePermissionSetProvisioningStatusCommand({ InstanceArn: instanceArn, ProvisionPermissionSetRequestId: requestId }))))
        .PermissionSetProvisioningStatus,
    );
  await waitForOperation('provision the permission set', status(out.PermissionSetProvisioningStatus), describe, w.poll, w.sleep);
}
