import type { IAMClient } from '@aws-sdk/client-iam';
import type { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import type { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { ValidationError } from '../../core/errors.js';
import type { AccessProvider, GrantContext, Logger, TargetFinding } from '../../core/ports.js';
import type { AccessRequest, GrantPreview } from '../../core/types.js';
import { type OperationStatus, type Sleep } from './assignment-poller.js';
import { lockTarget, type AwsCoordination } from './aws-coordination.js';
import type { AwsSettings } from './aws-settings.js';
import { stringSetting } from './entry-settings.js';
import { isoSeconds } from './grant-names.js';
import { HoldLedger } from './hold-ledger.js';
import { assign, capSessionDuration, unassign, type Assignment, type AssignmentWaiting } from './identity-center-assignments.js';
import { findPermissionSet, findUserId, isAssigned, resolveInstance } from './identity-center-lookup.js';
import { LegacyHolds, listLegacyHolds } from './legacy-holds.js';
import { mapPrincipal } from './principal-mapping.js';
import { assertSessionFits, cappedSessionSeconds, humanDuration, sessionRule, sessionSeconds } from './session-length.js';

/** Seams for what moto cannot show: AWS's asynchronous statuses. */
export interface IdentityCenterOptions {
  /** Sees (and may replace) every status AWS reports; tests use it to play IN_PROGRESS or FAILED. */
  observeStatus?: (operation: 'create' | 'delete', status: OperationStatus) => OperationStatus;
  sleep?: Sleep;
}

interface Resolved extends Assignment {
  userName: string;
  target: string;
  sessionDuration: string;
}

/**
 * `aws-identity-center`: assigns a permission set in an account to the requester's Identity Center user,
 * waits until AWS reports SUCCEEDED, and at the end deletes the assignment and waits likewise. An account
 * assignment has no condition, so AWS cannot end it by itself, and a session already started lasts the
 * permission set's session duration: a permission set whose sessions outlast the entry's maximum TTL is
 * refused (or, with `long_sessions: cap`, its session duration is lowered). Holds in the store keep the
 * assignment while another grant covers it, and never remove one that existed before; grant and revoke of
 * one assignment run under one store lock. Entry settings: `account_id`, `permission_set` (its name).
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
    private readonly c: AwsCoordination,
    private readonly options: IdentityCenterOptions = {},
  ) {
    this.ledger = new HoldLedger(c, new LegacyHolds(iam, c, this.name, (request) => this.targetOfRequest(request), log));
  }

  /** The grants holding an assignment, from the store. */
  async listGrantIds(): Promise<string[]> {
    return [...new Set((await this.c.store.listHolds()).filter((h) => h.target.startsWith('sso:')).map((h) => h.grantId))].sort();
  }

  /** Holds older versions left in IAM (instance profiles), which nothing reads any more. */
  async inspect(): Promise<TargetFinding[]> {
    return (await listLegacyHolds(this.iam)).map((legacy) => ({
      what: `IAM instance profile ${legacy.name} (a hold of an older version, no longer read): not touched; delete it by hand once no grant of it is active`,
      state: 'unaccounted' as const,
    }));
  }

  async validate(ctx: GrantContext): Promise<void> {
    const r = await this.resolve(ctx);
    assertSessionFits(ctx, stringSetting(ctx, 'permission_set') ?? '', r.sessionDuration);
  }

  async describe(ctx: GrantContext): Promise<GrantPreview> {
    const r = await this.resolve(ctx);
    const permissionSet = stringSetting(ctx, 'permission_set') ?? '';
    assertSessionFits(ctx, permissionSet, r.sessionDuration);
    return {
      provider: this.name,
      summary: [
        `Assign permission set ${permissionSet} in account ${r.accountId} to ${r.userName} until ${isoSeconds(ctx.expiresAt)}.`,
        'An account assignment carries no expiry condition: it ends when the package deletes it.',
        this.sessionLine(ctx, r),
      ],
      documents: {
        assignment: { InstanceArn: r.instanceArn, TargetId: r.accountId, TargetType: 'AWS_ACCOUNT', PermissionSetArn: r.permissionSetArn, PrincipalType: 'USER', PrincipalId: r.userId },
        sessionDuration: r.sessionDuration,
      },
    };
  }

  async grant(ctx: GrantContext): Promise<void> {
    const r = await this.resolve(ctx);
    assertSessionFits(ctx, stringSetting(ctx, 'permission_set') ?? '', r.sessionDuration);
    await lockTarget(this.c, this.aws, this.log, `aws:${r.target}`, async () => {
      await this.capIfAsked(ctx, r);
      const assigned = await isAssigned(this.sso, r.instanceArn, r.accountId, r.permissionSetArn, r.userId);
      const own = await this.ledger.own(r.target, ctx.grantId);
      if (own) {
        if (!assigned) await assign(this.sso, r, this.waiting());
        return;
      }
      const keep = await this.ledger.keepFor(r.target, ctx.grantId, this.c.now(), assigned);
      await this.ledger.add(r.target, ctx.grantId, ctx.expiresAt, keep);
      if (assigned) return;
      try {
        await assign(this.sso, r, this.waiting());
      } catch (err) {
        // Undo: AWS may have made the assignment even though we saw a failure; delete it, then the hold.
        await unassign(this.sso, r, this.waiting()).catch((cleanup: unknown) => this.log.error('aws-identity-center: assignment may be left after a failed grant', { grantId: ctx.grantId, cleanup: String(cleanup) }));
        await this.ledger.remove(r.target, ctx.grantId).catch((cleanup: unknown) => this.log.error('aws-identity-center: hold left after a failed grant', { grantId: ctx.grantId, cleanup: String(cleanup) }));
        throw err;
      }
    });
  }

  async revoke(ctx: GrantContext): Promise<void> {
    let r: Resolved;
    try {
      r = await this.resolve(ctx);
    } catch (err) {
      // The user or permission set is gone, and with it the assignment: only the hold is left to drop.
      if (!(err instanceof ValidationError)) throw err;
      await this.ledger.removeGrant(ctx.grantId);
      return;
    }
    await lockTarget(this.c, this.aws, this.log, `aws:${r.target}`, async () => {
      const own = await this.ledger.own(r.target, ctx.grantId);
      if (!own) return;
      const others = await this.ledger.others(r.target, ctx.grantId, this.c.now());
      if (others.length === 0 && !own.keep) {
        if (await isAssigned(this.sso, r.instanceArn, r.accountId, r.permissionSetArn, r.userId)) await unassign(this.sso, r, this.waiting());
      } else {
        this.log.info('aws-identity-center: assignment kept', { grantId: ctx.grantId, holders: others.length, standing: own.keep });
      }
      await this.ledger.remove(r.target, ctx.grantId);
    });
  }

  /** What approvers are told about sessions: how long they last, and that the end of the grant does not cut them. */
  private sessionLine(ctx: GrantContext, r: Resolved): string {
    const { maxTtlSeconds, rule } = sessionRule(ctx);
    const session = sessionSeconds(r.sessionDuration);
    const capped = rule === 'cap' && maxTtlSeconds !== undefined && session > maxTtlSeconds ? cappedSessionSeconds(maxTtlSeconds) : undefined;
    const lasts = capped ?? session;
    const ttl = Math.max(0, Math.round((ctx.expiresAt - this.c.now()) / 1000));
    return [
      capped !== undefined
        ? `The permission set's sessions last ${humanDuration(session)}; on approval kubiya-jit lowers that to ${humanDuration(capped)} for everyone using it (long_sessions: cap).`
        : `Sessions of this permission set last up to ${humanDuration(lasts)} (its session duration).`,
      lasts > ttl
        ? `A session started before the end keeps working up to ${humanDuration(lasts)} after it started, past the grant's ${humanDuration(ttl)}: Identity Center cannot cut it.`
        : 'No session can outlast the grant.',
    ].join(' ');
  }

  private async capIfAsked(ctx: GrantContext, r: Resolved): Promise<void> {
    const { maxTtlSeconds, rule } = sessionRule(ctx);
    if (rule !== 'cap' || maxTtlSeconds === undefined || sessionSeconds(r.sessionDuration) <= maxTtlSeconds) return;
    const capped = cappedSessionSeconds(maxTtlSeconds);
    if (capped >= sessionSeconds(r.sessionDuration)) return;
    await capSessionDuration(this.sso, r.instanceArn, r.permissionSetArn, `PT${capped / 3600}H`, this.waiting());
    this.log.info('aws-identity-center: permission set session duration lowered', { permissionSet: r.permissionSetArn, from: r.sessionDuration, to: `PT${capped / 3600}H` });
  }

  private async resolve(ctx: Pick<GrantContext, 'settings' | 'toolName' | 'userEmail'>): Promise<Resolved> {
    const accountId = stringSetting(ctx, 'account_id');
    const permissionSet = stringSetting(ctx, 'permission_set');
    if (!accountId || !permissionSet) throw new ValidationError('aws.entry_incomplete', `${ctx.toolName} needs account_id and permission_set in configs/access_configs.json.`);
    const userName = mapPrincipal(this.aws.principals, ctx.userEmail, 'identityCenterUser', { accountId });
    const instance = await resolveInstance(this.sso, this.aws.identityCenter);
    const userId = await findUserId(this.store, instance.identityStoreId, userName, ctx.userEmail);
    const found = await findPermissionSet(this.sso, instance.instanceArn, permissionSet);
    return {
      instanceArn: instance.instanceArn,
      accountId,
      permissionSetArn: found.arn,
      userId,
      userName,
      sessionDuration: found.sessionDuration,
      target: `sso:${accountId}:${found.arn}:${userId}`,
    };
  }

  private async targetOfRequest(request: AccessRequest): Promise<string | undefined> {
    const settings = request.grantedWith?.settings;
    return settings ? (await this.resolve({ settings, toolName: request.toolName, userEmail: request.requester })).target : undefined;
  }

  private waiting(): AssignmentWaiting {
    return {
      poll: this.aws.poll,
      sleep: this.options.sleep ?? this.c.sleep,
      observe: (operation, raw) => {
        const status: OperationStatus = { status: raw?.Status ?? 'IN_PROGRESS', ...(raw?.FailureReason ? { failureReason: raw.FailureReason } : {}) };
        return this.options.observeStatus ? this.options.observeStatus(operation, status) : status;
      },
    };
  }
}
