import type { AppContext } from '../../app/app-context.js';
import { ValidationError } from '../../core/errors.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedArgv } from '../parse-argv.js';

/** Tools only approvers may run (the Enforcer's `admin` category). */
const ADMIN_TOOLS = ['approve_tool_access_request', 'list_active_access_requests', 'describe_access_request', 'search_access_requests'];

/**
 * `kubiya-jit enforcer policy`: renders the tool-category policy (admin / restricted / revoke) from the
 * config, for installing as the Enforcer's policy beside configs/enforcer/jit_grants.rego.
 */
export async function enforcerCommand(ctx: AppContext, argv: ParsedArgv): Promise<CommandResult> {
  if (argv.positional[0] !== 'policy') throw new ValidationError('cli.enforcer_usage', 'Use kubiya-jit enforcer policy [--approver_group NAME].');
  const deps = await ctx.deps();
  const approverGroup = argv.options.approver_group ?? ctx.policy.defaultApproverGroups[0];
  if (!approverGroup) {
    throw new ValidationError('cli.enforcer_no_group', 'No approver group: set approvals.default_approver_groups in the config or pass --approver_group.');
  }
  const entries = deps.catalog.list();
  const { renderCategoryPolicy } = await import('../../adapters/enforcer/render-category-policy.js');
  const rego = renderCategoryPolicy({
    approverGroup,
    adminTools: ADMIN_TOOLS,
    restrictedTools: entries.filter((e) => e.provider === 'enforcer').map((e) => e.name),
    revokeTools: ['revoke_access', ...entries.flatMap((e) => (e.dedicatedTool?.revokeTool ? [e.dedicatedTool.revokeTool] : []))],
  });
  return { human: rego.trimEnd(), json: { rego } };
}
