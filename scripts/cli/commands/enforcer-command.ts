import type { AppContext } from '../../app/app-context.js';
import { ValidationError } from '../../core/errors.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedCommand } from '../command-spec.js';

/**
 * Tools only approvers may run (the Enforcer's `admin` category): deciding, as defence in depth on top of the
 * tool's own eligibility check. Describe, list, search and revoke stay open to everyone at the Enforcer because
 * requesters need them for their own requests ("I'm done"), and each of those tools checks per request who
 * may see or end it.
 */
const ADMIN_TOOLS = ['approve_tool_access_request'];

/**
 * `kubiya-jit enforcer policy`: renders the tool-category policy (admin / restricted / revoke) from the
 * config, for installing as the Enforcer's policy beside configs/enforcer/jit_grants.rego.
 */
export async function enforcerCommand(ctx: AppContext, _parsed: ParsedCommand): Promise<CommandResult> {
  const deps = await ctx.deps();
  const entries = deps.catalog.list();
  // Whoever any route can name as an approver: the default groups, the knowledge allowlist, explicit mappings.
  const approverGroups = [
    ...new Set([...ctx.policy.defaultApproverGroups, ...ctx.policy.knowledgeGroupAllowlist, ...entries.flatMap((e) => e.approverGroups ?? [])]),
  ];
  if (approverGroups.length === 0) {
    throw new ValidationError('cli.enforcer_no_group', 'No approver group is configured: set approvals.default_approver_groups, a knowledge allowlist or a tool\'s approver_groups.');
  }
  const { renderCategoryPolicy } = await import('../../adapters/enforcer/render-category-policy.js');
  const rego = renderCategoryPolicy({
    approverGroups,
    adminTools: ADMIN_TOOLS,
    restrictedTools: entries.filter((e) => e.provider === 'enforcer').map((e) => e.name),
    revokeTools: [],
  });
  return { human: rego.trimEnd(), json: { rego } };
}
