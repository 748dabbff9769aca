import type { IAMClient } from '@aws-sdk/client-iam';
import type { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { ValidationError } from '../../core/errors.js';
import type { AccessProvider, GrantContext, Logger } from '../../core/ports.js';
import type { GrantPreview } from '../../core/types.js';
import { waitForOperation, realSleep, type OperationStatus, type Sleep } from './assignment-poller.js';
import { callAws } from './aws-errors.js';
import type { AwsSettings } from './aws-settings.js';
import { stringSetting } from './entry-settings.js';
import { isoSeconds } from './grant-names.js';
import { listHoldKeys } from './grant-inventory.js';
import { HoldLedger } from './hold-ledger.js';
import { findPermissionSet, findUserId, isAssigned, resolveInstance } from './identity-center-lookup.js';
import { mapPrincipal } from './principal-mapping.js';

/** Seams for what moto cannot show: AWS's asynchronous statuses, and time. */
export interface IdentityCenterOptions {
  sleep?: Sleep;
  /** Sees (and may replace) every status AWS reports; tests use it to play IN_PROGRESS or FAILED. */
  observeStatus?: (operation: 'create' | 'delete', status: OperationStatus) => OperationStatus;
  now?: () => number;
}

interface Resolved {
  instanceArn: string;
  accountId: string;
  permissionSetArn: string;
  userId: string;
  userName: string;
  target: string;
}

/**
 * `aws-identity-center`: assigns a permission set in an account to the requester's Identity Center user,
 * waits until AWS reports SUCCEEDED, and at the end deletes the assignment and waits likewise. An account
 * assignment has no condition, so AWS cannot end it by itself. Holds in the {@link HoldLedger} keep the
 * assignment while another grant covers it, and never remove one that existed before.
 * Entry settings: `account_id`, `permission_set` (its name).
 */
export class IdentityCenterProvider implements AccessProvider {
  readonly name = 'aws-identity-center';
  private readonly ledger: HoldLedger;

  constructor(
    private readonly iam: IAMClient,
    private readonly sso: SSOAdminClient,
    private readonly store: IdentitystoreClient,
    private readonly aws: AwsSettings,
    private readonly log: Logger,
    private readonly options: IdentityCenterOptions = {},
  ) {
    this.ledger = new HoldLedger(iam);
  }

  /** The grants holding an assignment (the holds; managed-policy holds are listed too). */
  async listGrantIds(): Promise<string[]> {
    return listHoldKeys(this.iam);
  }

  async validate(ctx: GrantContext): Promise<void> {
    await this.resolve(ctx);
  }

  async describe(ctx: GrantContext): Promise<GrantPreview> {
    const r = await this.resolve(ctx);
    return {
      provider: this.name,
      summary: [
        `Assign permission set ${stringSetting(ctx, 'permission_set')} in account ${r.accountId} to ${r.userName} until ${isoSeconds(ctx.expiresAt)}.`,
        'An account assignment carries no expiry condition: it ends when the package deletes it.',
      ],
      documents: { assignment: { InstanceArn: r.instanceArn, TargetId: r.accountId, TargetType: 'AWS_ACCOUNT', PermissionSetArn: r.permissionSetArn, PrincipalType: 'USER', PrincipalId: r.userId } },
    };
  }

  async grant(ctx: GrantContext): Promise<void> {
    const r = await this.resolve(ctx);
    const assigned = await isAssigned(this.sso, r.instanceArn, r.accountId, r.permissionSetArn, r.userId);
    const own = await this.ledger.own(r.target, ctx.grantId);
    if (own) {
      if (!assigned) await this.assign(r);
      return;
    }
    const keep = await this.ledger.keepFor(r.target, ctx.grantId, this.now(), assigned);
    await this.ledger.add(r.target, ctx.grantId, ctx.expiresAt, keep);
    if (assigned) return;
    try {
      await this.assign(r);
    } catch (err) {
      // Undo: AWS may have made the assignment even though we saw a failure; delete it, then the hold.
      await this.unassign(r).catch((cleanup: unknown) => this.log.error('aws-identity-center: assignment may be left after a failed grant', { grantId: ctx.grantId, cleanup: String(cleanup) }));
      await this.ledger.remove(ctx.grantId).catch((cleanup: unknown) => this.log.error('aws-identity-center: hold left after a failed grant', { grantId: ctx.grantId, cleanup: String(cleanup) }));
      throw err;
    }
  }

  async revoke(ctx: GrantContext): Promise<void> {
    let r: Resolved;
    try {
      r = await this.resolve(ctx);
    } catch (err) {
      // The user or permission set is gone, and with it the assignment: only the hold is left to drop.
      if (!(err instanceof ValidationError)) throw err;
      await this.ledger.remove(ctx.grantId);
      return;
    }
    const own = await this.ledger.own(r.target, ctx.grantId);
    if (!own) return;
    const others = await this.ledger.others(r.target, ctx.grantId, this.now());
    const unassign = async () => {
      if (await isAssigned(this.sso, r.instanceArn, r.accountId, r.permissionSetArn, r.userId)) await this.unassign(r);
    };
    if (others.length === 0 && !own.keep) await unassign();
    else this.log.info('aws-identity-center: assignment kept', { grantId: ctx.grantId, holders: others.length, standing: own.keep });
    await this.ledger.remove(ctx.grantId);
    // Two revocations at once can each see the other's hold and both keep the assignment; whichever drops its
    // hold last finds none left here and ends the access.
    if (others.length > 0 && !own.keep && (await this.ledger.others(r.target, ctx.grantId, this.now())).length === 0) await unassign();
  }

  private async resolve(ctx: GrantContext): Promise<Resolved> {
    const accountId = stringSetting(ctx, 'account_id');
    const permissionSet = stringSetting(ctx, 'permission_set');
    if (!accountId || !permissionSet) throw new ValidationError('aws.entry_incomplete', `${ctx.toolName} needs account_id and permission_set in configs/access_configs.json.`);
    const userName = mapPrincipal(this.aws.principals, ctx.userEmail, 'identityCenterUser', { accountId });
    const instance = await resolveInstance(this.sso, this.aws.identityCenter);
    const userId = await findUserId(this.store, instance.identityStoreId, userName, ctx.userEmail);
    const permissionSetArn = await findPermissionSet(this.sso, instance.instanceArn, permissionSet);
    return { instanceArn: instance.instanceArn, accountId, permissionSetArn, userId, userName, target: `sso:${accountId}:${permissionSetArn}:${userId}` };
  }

  private async assign(r: Resolved): Promise<void> {
    const input = assignmentInput(r);
    const out = await callAws('create the account assignment', () => this.sso.send(new CreateAccountAssignmentCommand(input)));
    const requestId = out.AccountAssignmentCreationStatus?.RequestId;
    const describe = async (): Promise<OperationStatus> => {
      const status = await callAws('check the account assignment', () =>
        this.sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: r.instanceArn, AccountAssignmentCreationRequestId: requestId })),
      );
      return this.observe('create', status.AccountAssignmentCreationStatus);
    };
    await waitForOperation('assign the permission set', this.observe('create', out.AccountAssignmentCreationStatus), describe, this.aws.poll, this.sleep());
  }

  private async unassign(r: Resolved): Promise<void> {
    const input = assignmentInput(r);
    const out = await callAws('delete the account assignment', () => this.sso.send(new DeleteAccountAssignmentCommand(input)));
    const requestId = out.AccountAssignmentDeletionStatus?.RequestId;
    const describe = async (): Promise<OperationStatus> => {
      const status = await callAws('check the assignment deletion', () =>
        this.sso.send(new DescribeAccountAssignmentDeletionStatusCommand({ InstanceArn: r.instanceArn, AccountAssignmentDeletionRequestId: requestId })),
      );
      return this.observe('delete', status.AccountAssignmentDeletionStatus);
    };
    await waitForOperation('delete the account assignment', this.observe('delete', out.AccountAssignmentDeletionStatus), describe, this.aws.poll, this.sleep());
  }

  private observe(operation: 'create' | 'delete', raw: { Status?: string; FailureReason?: string } | undefined): OperationStatus {
    const status: OperationStatus = { status: raw?.Status ?? 'IN_PROGRESS', ...(raw?.FailureReason ? { failureReason: raw.FailureReason } : {}) };
    return this.options.observeStatus ? this.options.observeStatus(operation, status) : status;
  }

  private sleep(): Sleep {
    return this.options.sleep ?? realSleep;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** The account assignment a grant makes (and removes): this permission set, for this user, in this account. */
function assignmentInput(r: Resolved) {
  return { InstanceArn: r.instanceArn, TargetId: r.accountId, TargetType: 'AWS_ACCOUNT' as const, PermissionSetArn: r.permissionSetArn, PrincipalType: 'USER' as const, PrincipalId: r.userId };
}
