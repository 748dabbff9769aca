import type { AppContext } from '../../app/app-context.js';
import { ValidationError } from '../../core/errors.js';
import type { GroupExplanation } from '../../core/use-cases/explain-approvers.js';
import { previewApprovers, type RequirementPreview } from '../../core/use-cases/preview-approvers.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedCommand } from '../command-spec.js';

/**
 * `kubiya-jit approvers --tool_name … [--tool_params …] [--justification …]`: who would approve such a request
 * and why, without creating one.
 */
export async function approversCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  const option = (name: string) => (typeof parsed.values[name] === 'string' ? (parsed.values[name] as string) : undefined);
  const name = option('tool_name')?.trim();
  if (!name) throw new ValidationError('cli.missing_tool', 'Give --tool_name (and optionally --tool_params and --justification).');
  const { entry, routing, approvers, requirements, directory } = await previewApprovers(await ctx.deps(), {
    toolName: name,
    toolParams: option('tool_params'),
    justification: option('justification'),
    requester: ctx.env.KUBIYA_USER_EMAIL,
  });
  return {
    human: [
      `${entry.name} would be approved by ${approvers.join(', ')} (groups: ${routing.groups.join(', ')}).`,
      `Why: ${routing.explanation}`,
      ...describeRequirements(requirements),
      ...directory.flatMap(describeGroup),
    ].join('\n'),
    json: {
      tool_name: entry.name,
      approvers,
      routing,
      requirements: requirements.map((r) => ({ requirement: r.label, groups: r.groups, targets: r.targets ?? [], required: r.required, approvers: r.approvers })),
      directory: directory.map((g) => ({ group: g.group, source: g.source, approvers: g.approvers, not_counted: g.notCounted })),
    },
  };
}

/**
 * "Approvals needed:" with one line per requirement, when a request would need more than one approval (one per
 * owning group, or `approvals.required` people), as the Slack message and `describe` show them.
 */
function describeRequirements(requirements: RequirementPreview[]): string[] {
  if (requirements.length === 1 && requirements[0]!.required === 1) return [];
  return [
    'Approvals needed (each one; a single rejection rejects the request):',
    ...requirements.map((r) => {
      const targets = r.targets?.length ? ` for ${r.targets.join(', ')}` : '';
      const count = r.required === 1 ? 'one approval' : `${r.required} approvals from different people`;
      return `  - ${r.label}${targets}: ${count}, from ${r.approvers.join(', ')}`;
    }),
  ];
}

/** One group's answer as lines a person reads. */
function describeGroup(group: GroupExplanation): string[] {
  const lines = [`From ${group.source}: ${group.approvers.length} may approve.`];
  for (const a of group.approvers) lines.push(`  - ${a.email}${a.note ? ` (${a.note})` : ''}`);
  for (const n of group.notCounted) lines.push(`  not counted: ${n.account} (${n.reason})`);
  return lines;
}
