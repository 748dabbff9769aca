import { quotedJson } from '../../core/quote.js';
import type { AccessProvider, Enforcer, EnforcerDenial, EnforcerGrant, GrantContext, PendingDenial } from '../../core/ports.js';
import type { GrantPreview } from '../../core/types.js';

/**
 * The `enforcer` provider: access to run a Kubiya tool is a time-bound allow in the Enforcer, matching the
 * requester, the tool and exactly the approved parameters (the whole parameter object: no other parameter,
 * no other value). Its preview says so in plain words, and says when nothing is enforced at all.
 */
export class EnforcerAccessProvider implements AccessProvider {
  readonly name = 'enforcer';
  /** Present only when the Enforcer keeps denials (the `kubiya` adapter). */
  readonly describeDenial?: (enforcerRequestId: string) => Promise<EnforcerDenial>;
  readonly pendingDenials?: () => Promise<PendingDenial[]>;
  readonly approveDenial?: (enforcerRequestId: string, ctx: GrantContext) => Promise<void>;

  constructor(private readonly enforcer: Enforcer) {
    if (enforcer.describeDenial) this.describeDenial = (id) => enforcer.describeDenial!(id);
    if (enforcer.pendingDenials) this.pendingDenials = () => enforcer.pendingDenials!();
    if (enforcer.approveDenial) this.approveDenial = (id, ctx) => enforcer.approveDenial!(id, toGrant(ctx));
  }

  async grant(ctx: GrantContext): Promise<void> {
    await this.enforcer.allow(toGrant(ctx));
  }

  async revoke(ctx: GrantContext): Promise<void> {
    await this.enforcer.remove(toGrant(ctx));
  }

  async describe(ctx: GrantContext): Promise<GrantPreview> {
    const scope = Object.keys(ctx.params).length
      ? `with exactly these parameters: ${quotedJson(ctx.params, 1500)} (a run with any other parameter, or another value, is not allowed)`
      : 'with no parameters (a run with any parameter is not allowed)';
    const documents = { enforcer_allow: { user_email: ctx.userEmail, tool_name: ctx.toolName, parameters: ctx.params } };
    if (this.enforcer.kind === 'none') {
      return {
        provider: this.name,
        summary: [
          `Nothing is enforced: enforcer.type is none, so approval only records that ${ctx.userEmail} may run ${ctx.toolName} ${scope} until the TTL ends. kubiya-jit writes no allow and restricts no run of it.`,
        ],
        documents,
        recordOnly: true,
      };
    }
    const how =
      this.enforcer.kind === 'kubiya'
        ? ctx.enforcerRequestId
          ? `The Kubiya Enforcer approves the denied run ${ctx.enforcerRequestId}, and any later denied run of ${ctx.userEmail} within this scope, until the TTL ends`
          : `The Kubiya Enforcer approves each denied run of ${ctx.userEmail} within this scope until the TTL ends (approved early runs stay allowed until then: it cannot withdraw an approval)`
        : `Enforcer (${this.enforcer.kind}) allows ${ctx.userEmail} to run ${ctx.toolName} ${scope} until the TTL ends`;
    const summary = this.enforcer.kind === 'kubiya' ? [`${how}: ${ctx.toolName} ${scope}`] : [how];
    return { provider: this.name, summary, documents };
  }
}

function toGrant(ctx: GrantContext): EnforcerGrant {
  const enforcerRequestId = ctx.enforcerRequestId;
  return {
    grantId: ctx.grantId,
    requestId: ctx.requestId,
    userEmail: ctx.userEmail,
    toolName: ctx.toolName,
    parameters: ctx.params,
    expiresAt: ctx.expiresAt,
    approvedBy: ctx.approvedBy,
    ...(enforcerRequestId ? { enforcerRequestId } : {}),
  };
}
