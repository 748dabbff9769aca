import type { AppContext } from '../app/app-context.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import { normaliseEmail } from '../core/identity.js';
import { requestAccess } from '../core/use-cases/request-access.js';
import { revokeAccess } from '../core/use-cases/revoke-access.js';
import { findDedicatedTool, toolParamsFromArgs } from '../../tools/definitions/generated.js';
import { revokeResult } from './end-handlers.js';
import { requestOutcomeResult } from './request-handlers.js';
import type { ToolHandler } from './handler.js';

/**
 * The handler of a policy-generated tool (`s3_grant_<name>`, `jit_session_revoke_<name>`, …): a request tool
 * is `request_tool_access` with the entry fixed; a revoke tool ends the caller's active grant of the entry.
 */
export async function dedicatedHandler(ctx: AppContext, name: string): Promise<ToolHandler | undefined> {
  const deps = await ctx.deps();
  const found = findDedicatedTool(name, deps.catalog.list());
  if (!found) return undefined;
  const args = found.tool.args.map((arg) => arg.name);
  if (found.kind === 'request') {
    return {
      name,
      args,
      database: 'create',
      async run(_ctx, values) {
        const outcome = await requestAccess(deps, {
          toolName: found.entry.name,
          userEmail: values.user_email,
          toolParams: JSON.stringify(toolParamsFromArgs(found.entry, values)),
          ttl: values.ttl,
          justification: values.justification,
          runnerEmail: ctx.env.KUBIYA_USER_EMAIL,
        });
        return requestOutcomeResult(outcome);
      },
    };
  }
  return {
    name,
    args,
    async run(_ctx, values) {
      let requestId = values.request_id?.trim();
      if (!requestId) {
        const me = normaliseEmail(ctx.env.KUBIYA_USER_EMAIL, 'KUBIYA_USER_EMAIL (the person running the tool)');
        const active = await deps.store.list({ requester: me, toolName: found.entry.name, statuses: ['access_granted'], limit: 2 });
        if (active.length === 0) throw new ConflictError('revoke.nothing_active', `You have no active ${found.entry.name} access to end.`);
        if (active.length > 1) {
          throw new ValidationError('revoke.ambiguous', `You have several active ${found.entry.name} grants (${active.map((r) => r.id).join(', ')}); give request_id.`);
        }
        requestId = active[0]!.id;
      }
      // The tool is checked inside, after who may revoke: someone not involved learns nothing of the request.
      return revokeResult(await revokeAccess(deps, { requestId, reason: values.reason, actorEmail: ctx.env.KUBIYA_USER_EMAIL, toolName: found.entry.name }));
    },
  };
}
