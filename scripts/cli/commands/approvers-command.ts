import type { AppContext } from '../../app/app-context.js';
import { routeApprovers } from '../../core/approver-routing.js';
import { ValidationError } from '../../core/errors.js';
import { identityOrUndefined } from '../../core/identity.js';
import { quoted } from '../../core/quote.js';
import { resolveParty } from '../../core/people.js';
import type { Json } from '../../core/types.js';
import { eligibleApprovers } from '../../core/use-cases/approvers.js';
import { explainApprovers, type GroupExplanation } from '../../core/use-cases/explain-approvers.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedCommand } from '../command-spec.js';

/**
 * `kubiya-jit approvers --tool_name … [--tool_params …] [--justification …]`: who would approve such a request
 * and why, without creating one.
 */
export async function approversCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  const option = (name: string) => (typeof parsed.values[name] === 'string' ? (parsed.values[name] as string) : undefined);
  const deps = await ctx.deps();
  const name = option('tool_name')?.trim();
  if (!name) throw new ValidationError('cli.missing_tool', 'Give --tool_name (and optionally --tool_params and --justification).');
  const entry = deps.catalog.get(name);
  if (!entry) throw new ValidationError('request.unknown_tool', `${quoted(name, 80)} is not in the catalog.`);
  let params: unknown = {};
  try {
    params = option('tool_params') ? JSON.parse(option('tool_params')!) : {};
  } catch {
    params = undefined;
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new ValidationError('request.params_not_object', '--tool_params must be a JSON object, such as {"region": "eu-west-1"}.');
  }
  const routing = await routeApprovers({ entry, params: params as Record<string, Json>, justification: option('justification') ?? '' }, await deps.knowledge(), deps.policy);
  const requester = identityOrUndefined(ctx.env.KUBIYA_USER_EMAIL);
  const exclude = requester ? [await resolveParty(deps.directory, requester)] : [];
  const approvers = (await eligibleApprovers(deps, routing.groups, exclude)).map((p) => p.email);
  const directory = await explainApprovers(deps, routing.groups, exclude);
  return {
    human: [`${name} would be approved by ${approvers.join(', ')} (groups: ${routing.groups.join(', ')}).`, `Why: ${routing.explanation}`, ...directory.flatMap(describeGroup)].join('\n'),
    json: {
      tool_name: name,
      approvers,
      routing,
      directory: directory.map((g) => ({ group: g.group, source: g.source, approvers: g.approvers, not_counted: g.notCounted })),
    },
  };
}

/** One group's answer as lines a person reads. */
function describeGroup(group: GroupExplanation): string[] {
  const lines = [`From ${group.source}: ${group.approvers.length} may approve.`];
  for (const a of group.approvers) lines.push(`  - ${a.email}${a.note ? ` (${a.note})` : ''}`);
  for (const n of group.notCounted) lines.push(`  not counted: ${n.account} (${n.reason})`);
  return lines;
}
