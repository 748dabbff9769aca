import type { IAMClient } from '@aws-sdk/client-iam';
import { ValidationError } from '../../core/errors.js';
import type { AccessProvider, GrantContext, Logger } from '../../core/ports.js';
import type { GrantPreview, Json } from '../../core/types.js';
import type { AwsSettings } from './aws-settings.js';
import { listGrantPolicyKeys } from './grant-inventory.js';
import { createGrantPolicy, deleteGrantPolicy, findGrantPolicy } from './grant-policies.js';
import { grantPolicyName, isoSeconds } from './grant-names.js';
import { assertIamUser, attachPolicy } from './iam-users.js';
import { stringList, stringSetting } from './entry-settings.js';
import { assertPolicySize, BUILTIN_TEMPLATES, renderTemplate, type PolicyDocument } from './policy-document.js';
import { mapPrincipal } from './principal-mapping.js';

/** The two names this provider answers to. */
export type DynamicProviderName = 'aws-iam-dynamic' | 'aws-s3';

/**
 * `aws-iam-dynamic` and `aws-s3`: creates a customer-managed policy per grant from a template (the S3
 * templates, or one the config defines), named `kjit-<entry>-<grant>` under `/kubiya-jit/<grant>/` and
 * tagged `kubiya-jit:grant-id`; attaches it to the requester's IAM user; at the end detaches and deletes
 * it. Every statement ends itself at the expiry (`DateLessThan aws:CurrentTime`), and two grants of the same
 * entry are two policies, so ending one leaves the other. Entry settings: `policy_template` or `template`,
 * `buckets`, optional `account_id`. `aws-s3` is the same machinery limited to the S3 templates.
 */
export class DynamicPolicyProvider implements AccessProvider {
  constructor(
    readonly name: DynamicProviderName,
    private readonly iam: IAMClient,
    private readonly aws: AwsSettings,
    private readonly log: Logger,
  ) {}

  /** The grants whose per-grant policy exists (S3 and dynamic policies share the path, so both list all). */
  async listGrantIds(): Promise<string[]> {
    return listGrantPolicyKeys(this.iam);
  }

  /** The exact document the grant will write; refuses an unknown template or an over-size document. */
  document(ctx: GrantContext): PolicyDocument {
    const templateName = stringSetting(ctx, 'policy_template') ?? stringSetting(ctx, 'template');
    const buckets = stringList(ctx.settings.buckets);
    const templates = this.name === 'aws-s3' ? BUILTIN_TEMPLATES : { ...BUILTIN_TEMPLATES, ...this.aws.policyTemplates };
    const template = templateName ? templates[templateName] : undefined;
    if (!template || !templateName) {
      throw new ValidationError('aws.unknown_template', `${ctx.toolName} names policy template "${templateName ?? ''}", which is not one of ${Object.keys(templates).join(', ')}.`);
    }
    if (this.name === 'aws-s3' && buckets.length === 0) throw new ValidationError('aws.entry_incomplete', `${ctx.toolName} needs at least one bucket.`);
    const document = renderTemplate(template, { buckets, accountId: stringSetting(ctx, 'account_id') }, ctx.expiresAt);
    assertPolicySize(document, ctx.toolName);
    return document;
  }

  async validate(ctx: GrantContext): Promise<void> {
    this.document(ctx);
    await assertIamUser(this.iam, this.userName(ctx), ctx.userEmail);
  }

  async describe(ctx: GrantContext): Promise<GrantPreview> {
    const document = this.document(ctx);
    const userName = this.userName(ctx);
    const policyName = grantPolicyName(ctx.toolName, ctx.grantId);
    return {
      provider: this.name,
      summary: [
        `Create IAM policy ${policyName} and attach it to IAM user ${userName}.`,
        // Approvers decide on what is granted, not on a name: every statement's actions and resources.
        ...document.Statement.map((s) => `${s.Effect} ${[s.Action].flat().join(', ')} on ${[s.Resource ?? '*'].flat().join(', ')}.`),
        `Every statement stops working at ${isoSeconds(ctx.expiresAt)} (aws:CurrentTime condition); the policy is deleted at the end.`,
      ],
      documents: { policyName, userName, policyDocument: document as unknown as Json },
    };
  }

  async grant(ctx: GrantContext): Promise<void> {
    // Both checks run before any AWS call: an unmapped person or an over-size document creates nothing.
    const document = this.document(ctx);
    const userName = this.userName(ctx);
    const { arn, created } = await createGrantPolicy(this.iam, ctx, document);
    try {
      await attachPolicy(this.iam, userName, arn);
    } catch (err) {
      if (created) {
        await deleteGrantPolicy(this.iam, arn).catch((cleanup: unknown) =>
          this.log.error(`${this.name}: policy left after a failed grant`, { grantId: ctx.grantId, arn, cleanup: String(cleanup) }),
        );
      }
      throw err;
    }
  }

  async revoke(ctx: GrantContext): Promise<void> {
    const arn = await findGrantPolicy(this.iam, ctx.grantId);
    if (arn) await deleteGrantPolicy(this.iam, arn);
  }

  private userName(ctx: GrantContext): string {
    return mapPrincipal(this.aws.principals, ctx.userEmail, 'iamUser', { accountId: stringSetting(ctx, 'account_id') });
  }
}
