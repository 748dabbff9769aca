import { GetPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { ValidationError } from '../../core/errors.js';
import type { AccessProvider, GrantContext, Logger } from '../../core/ports.js';
import type { GrantPreview } from '../../core/types.js';
import { unlessNotFound } from './aws-errors.js';
import type { AwsSettings } from './aws-settings.js';
import { isoSeconds } from './grant-names.js';
import { listHoldKeys } from './grant-inventory.js';
import { HoldLedger } from './hold-ledger.js';
import { assertIamUser, attachPolicy, detachPolicy, isPolicyAttached } from './iam-users.js';
import { stringSetting } from './entry-settings.js';
import { mapPrincipal } from './principal-mapping.js';

/**
 * `aws-iam-policy`: attaches an existing managed policy (the config's `policies` list) to the requester's
 * IAM user and detaches it at the end. The policy is not the package's, so it cannot carry the expiry
 * condition: the access ends only when the revocation runs. A {@link HoldLedger} hold per grant keeps the
 * attachment while another grant still covers it, and never detaches an attachment that existed before.
 * Entry settings: `policy_name`, `aws_account_id`.
 */
export class IamPolicyProvider implements AccessProvider {
  readonly name = 'aws-iam-policy';
  private readonly ledger: HoldLedger;

  constructor(
    private readonly iam: IAMClient,
    private readonly aws: AwsSettings,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.ledger = new HoldLedger(iam);
  }

  async validate(ctx: GrantContext): Promise<void> {
    const userName = this.userName(ctx);
    await assertIamUser(this.iam, userName, ctx.userEmail);
    await this.policyArn(ctx);
  }

  /** The grants holding a shared attachment (the holds; Identity Center holds are listed too). */
  async listGrantIds(): Promise<string[]> {
    return listHoldKeys(this.iam);
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
    const target = `iam-policy:${userName}:${policyArn}`;
    const attached = await isPolicyAttached(this.iam, userName, policyArn);
    const own = await this.ledger.own(target, ctx.grantId);
    if (own) {
      if (!attached) await attachPolicy(this.iam, userName, policyArn);
      return;
    }
    const keep = await this.ledger.keepFor(target, ctx.grantId, this.now(), attached);
    await this.ledger.add(target, ctx.grantId, ctx.expiresAt, keep);
    if (attached) return;
    try {
      await attachPolicy(this.iam, userName, policyArn);
    } catch (err) {
      await this.ledger.remove(ctx.grantId).catch((cleanup: unknown) => this.log.error('aws-iam-policy: hold left after a failed grant', { grantId: ctx.grantId, cleanup: String(cleanup) }));
      throw err;
    }
  }

  async revoke(ctx: GrantContext): Promise<void> {
    const userName = this.userName(ctx);
    const policyArn = await this.policyArn(ctx).catch((err: unknown) => {
      if (err instanceof ValidationError) return undefined;
      throw err;
    });
    if (policyArn) {
      const target = `iam-policy:${userName}:${policyArn}`;
      const own = await this.ledger.own(target, ctx.grantId);
      if (!own) return;
      const others = await this.ledger.others(target, ctx.grantId, this.now());
      if (others.length === 0 && !own.keep) await detachPolicy(this.iam, userName, policyArn);
      else this.log.info('aws-iam-policy: attachment kept', { grantId: ctx.grantId, holders: others.length, standing: own.keep });
      // The policy is gone (so is the access) or detached: drop the hold last, so a crash before here retries.
      await this.ledger.remove(ctx.grantId);
      // Two revocations at once can each see the other's hold and both keep the attachment; whichever drops its
      // hold last finds none left here and ends the access.
      if (others.length > 0 && !own.keep && (await this.ledger.others(target, ctx.grantId, this.now())).length === 0) {
        await detachPolicy(this.iam, userName, policyArn);
      }
      return;
    }
    await this.ledger.remove(ctx.grantId);
  }

  private userName(ctx: GrantContext): string {
    return mapPrincipal(this.aws.principals, ctx.userEmail, 'iamUser', { accountId: stringSetting(ctx, 'aws_account_id') });
  }

  /** The policy's ARN: customer-managed in the entry's account first, else the AWS-managed policy of that name. */
  private async policyArn(ctx: GrantContext): Promise<string> {
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
