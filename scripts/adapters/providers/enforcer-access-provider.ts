import type { AccessProvider, Enforcer, EnforcerDenial, EnforcerGrant, GrantContext } from '../../core/ports.js';
import type { GrantPreview } from '../../core/types.js';

/**
 * The `enforcer` provider: access to run a Kubiya tool is a time-bound allow in the Enforcer, matching the
 * requester, the tool and the exact approved parameters.
 */
export class EnforcerAccessProvider implements AccessProvider {
  readonly name = 'enforcer';
  /** Present only when the Enforcer keeps denials (the `kubiya` adapter). */
  readonly describeDenial?: (enforcerRequestId: string) => Promise<EnforcerDenial>;

  constructor(private readonly enforcer: Enforcer) {
    if (enforcer.describeDenial) this.describeDenial = (id) => enforcer.describeDenial!(id);
  }

  async grant(ctx: GrantContext): Promise<void> {
    await this.enforcer.allow(toGrant(ctx));
  }

  async revoke(ctx: GrantContext): Promise<void> {
    await this.enforcer.remove(toGrant(ctx));
  }

  async describe(ctx: GrantContext): Promise<GrantPreview> {
    const params = Object.keys(ctx.params).length ? JSON.stringify(ctx.params) : 'any parameters';
    return {
      provider: this.name,
      summary: [`Enforcer (${this.enforcer.kind}) allows ${ctx.userEmail} to run ${ctx.toolName} with ${params} until the TTL ends`],
      documents: {
        enforcer_allow: { user_email: ctx.userEmail, tool_name: ctx.toolName, parameters: ctx.params },
      },
    };
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
