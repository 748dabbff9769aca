import { GetPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { ValidationError } from '../../core/errors.js';
import type { AccessProvider, GrantContext, Logger, TargetFinding } from '../../core/ports.js';
import type { AccessRequest, GrantPreview, Json } from '../../core/types.js';
import { unlessNotFound } from './aws-errors.js';
import { lockTarget, type AwsCoordination } from './aws-coordination.js';
import type { AwsSettings } from './aws-settings.js';
import { isoSeconds } from './grant-names.js';
import { HoldLedger } from './hold-ledger.js';
import { assertIamUser, attachPolicy, detachPolicy, isPolicyAttached, policyUsers } from './iam-users.js';
import { stringSetting } from './entry-settings.js';
import { LegacyHolds } from './legacy-holds.js';
import { mapPrincipal } from './principal-mapping.js';
import { listLegacyHolds } from './legacy-holds.js';

/**
 * `aws-iam-policy`: attaches an existing managed policy (the config's `policies` list) to the requester's
 * IAM user and detaches it at the end. The policy is not the package's, so it cannot carry the expiry
 * condition: the access ends only when the revocation runs. A hold per grant in the store keeps the
 * attachment while another grant still covers it, and never detaches an attachment that existed before.
 * Grant and revoke of the same user and policy run under one store lock, so they never interleave.
 * Entry settings: `policy_name`, `aws_account_id`.
 */
export class IamPolicyProvider implements AccessProvider {
  readonly name = 'aws-iam-policy';
  private readonly ledger: HoldLedger;

  constructor(
    private readonly iam: IAMClient,
    private readonly aws: AwsSettings,
    private readonly log: Logger,
    private readonly c: AwsCoordination,
  ) {
    this.ledger = new HoldLedger(c, new LegacyHolds(iam, c, this.name, (request) => this.targetOfRequest(request), log));
  }

  async validate(ctx: GrantContext): Promise<void> {
    const userName = this.userName(ctx);
    await assertIamUser(this.iam, userName, ctx.userEmail);
    await this.policyArn(ctx);
  }

  /** The grants holding a shared attachment, from the store. */
  async listGrantIds(): Promise<string[]> {
    return [...new Set((await this.c.store.listHolds()).filter((h) => h.target.startsWith('iam-policy:')).map((h) => h.grantId))].sort();
  }

  /**
   * Users the configured policies are attached to with no live hold (standing access, or something left
   * behind: never detached here, since the package cannot tell), and holds older versions left in IAM.
   */
  async inspect(options: { now: number; entries: Record<string, Json>[] }): Promise<TargetFinding[]> {
    const findings: TargetFinding[] = [];
    const arns = new Set<string>();
    for (const settings of options.entries) {
      const arn = await this.policyArn({ settings, toolName: String(settings.policy_name) }).catch(() => undefined);
      if (arn) arns.add(arn);
    }
    for (const arn of [...arns].sort()) {
      for (const user of await policyUsers(this.iam, arn)) {
        const live = (await this.c.store.listHolds(attachmentTarget(user, arn))).some((hold) => hold.expiresAt > options.now);
        findings.push(
          live
            ? { what: `${arn} attached to IAM user ${user}, held by an active grant`, state: 'active' }
            : { what: `${arn} attached to IAM user ${user}: no active grant holds it (standing access, or left behind); not touched`, state: 'unaccounted' },
        );
      }
    }
    for (const legacy of await listLegacyHolds(this.iam)) {
      findings.push({ what: `IAM instance profile ${legacy.name} (a hold of an older version, no longer read): not touched; delete it by hand once no grant of it is active`, state: 'unaccounted' });
    }
    return findings;
  }

  async describe(ctx: GrantContext): Promise<GrantPreview> {
    const userName = this.userName(ctx);
    const policyArn = await this.policyArn(ctx);
    return {
      provider: this.name,
      summary: [
        `Attach the existing IAM policy ${policyArn} to IAM user ${userName} until ${isoSeconds(ctx.expiresAt)}.`,
        'An existing policy carries no expiry condition: the access ends when the package detaches it.',
      ],
      documents: { attachment: { UserName: userName, PolicyArn: policyArn } },
    };
  }

  async grant(ctx: GrantContext): Promise<void> {
    const userName = this.userName(ctx);
    const policyArn = await this.policyArn(ctx);
    const target = attachmentTarget(userName, policyArn);
    await lockTarget(this.c, this.aws, this.log, `aws:${target}`, async () => {
      const attached = await isPolicyAttached(this.iam, userName, policyArn);
      const own = await this.ledger.own(target, ctx.grantId);
      if (own) {
        if (!attached) await attachPolicy(this.iam, userName, policyArn);
        return;
      }
      const keep = await this.ledger.keepFor(target, ctx.grantId, this.c.now(), attached);
      // The hold first: a crash after it leaves a hold that the (idempotent) revoke drops, never an attachment
      // that no hold accounts for.
      await this.ledger.add(target, ctx.grantId, ctx.expiresAt, keep);
      if (attached) return;
      try {
        await attachPolicy(this.iam, userName, policyArn);
      } catch (err) {
        await this.ledger.remove(target, ctx.grantId).catch((cleanup: unknown) => this.log.error('aws-iam-policy: hold left after a failed grant', { grantId: ctx.grantId, cleanup: String(cleanup) }));
        throw err;
      }
    });
  }

  async revoke(ctx: GrantContext): Promise<void> {
    const userName = this.userName(ctx);
    const policyArn = await this.policyArn(ctx).catch((err: unknown) => {
      if (err instanceof ValidationError) return undefined;
      throw err;
    });
    if (!policyArn) {
      // The policy is gone, and with it the attachment: only the hold is left to drop.
      await this.ledger.removeGrant(ctx.grantId);
      return;
    }
    const target = attachmentTarget(userName, policyArn);
    await lockTarget(this.c, this.aws, this.log, `aws:${target}`, async () => {
      const own = await this.ledger.own(target, ctx.grantId);
      if (!own) return;
      const others = await this.ledger.others(target, ctx.grantId, this.c.now());
      if (others.length === 0 && !own.keep) await detachPolicy(this.iam, userName, policyArn);
      else this.log.info('aws-iam-policy: attachment kept', { grantId: ctx.grantId, holders: others.length, standing: own.keep });
      // Detached (or kept for others): drop the hold last, so a crash before here is retried by the sweeper.
      await this.ledger.remove(target, ctx.grantId);
    });
  }

  private userName(ctx: Pick<GrantContext, 'userEmail' | 'settings'>): string {
    return mapPrincipal(this.aws.principals, ctx.userEmail, 'iamUser', { accountId: stringSetting(ctx, 'aws_account_id') });
  }

  /** The target an older version's hold of `request` would be on, to check a hold found in IAM. */
  private async targetOfRequest(request: AccessRequest): Promise<string | undefined> {
    const settings = request.grantedWith?.settings;
    if (!settings) return undefined;
    const ctx = { userEmail: request.requester, settings, toolName: request.toolName };
    return attachmentTarget(this.userName(ctx), await this.policyArn(ctx));
  }

  /** The policy's ARN: customer-managed in the entry's account first, else the AWS-managed policy of that name. */
  private async policyArn(ctx: Pick<GrantContext, 'settings' | 'toolName'>): Promise<string> {
    const policyName = stringSetting(ctx, 'policy_name');
    const account = stringSetting(ctx, 'aws_account_id');
    if (!policyName || !account) throw new ValidationError('aws.entry_incomplete', `${ctx.toolName} needs policy_name and aws_account_id in the config.`);
    for (const arn of [`arn:aws:iam::${account}:policy/${policyName}`, `arn:aws:iam::aws:policy/${policyName}`]) {
      const found = await unlessNotFound(`look up IAM policy ${arn}`, () => this.iam.send(new GetPolicyCommand({ PolicyArn: arn })));
      if (found?.Policy) return arn;
    }
    throw new ValidationError(
      'aws.policy_not_found',
      `IAM policy ${policyName} does not exist in account ${account} (nor as an AWS-managed policy). Fix policy_name in the config's policies list.`,
      { policyName, account },
    );
  }
}

/** The hold and lock key of one user's attachment of one policy. */
export function attachmentTarget(userName: string, policyArn: string): string {
  return `iam-policy:${userName}:${policyArn}`;
}
