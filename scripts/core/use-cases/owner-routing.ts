import { groupLabel } from '../approval-progress.js';
import { routeApprovers, type RoutingInput } from '../approver-routing.js';
import type { OwnerRouting } from '../ports.js';
import type { ApprovalRequirement, ApproverRouting } from '../types.js';
import type { JitDeps } from './deps.js';

/** The routing of a request and the approvals it needs. */
export interface RoutedApprovals {
  routing: ApproverRouting;
  requirements: ApprovalRequirement[];
}

/**
 * Routes a request to `owners`, the owners its provider named for its targets (a namespace's owners), and for targets
 * that name none, to the usual routing (the entry's mapping, knowledge, the default groups). Each distinct set
 * of owners must approve on its own, as must the usual routing's groups for the targets without owners; every
 * requirement asks for `required` distinct people. Without owners, it is the usual routing alone, one requirement.
 */
export async function routeWithOwners(deps: JitDeps, owners: OwnerRouting | undefined, input: RoutingInput, required: number): Promise<RoutedApprovals> {
  if (!owners || owners.groups.length === 0) {
    const routing = await routeApprovers(input, await deps.knowledge(), deps.policy);
    // `approvals.each_group`: one approval (or `required`) from every group, not from any one of them.
    const requirements =
      input.entry.approvalsEachGroup && routing.groups.length > 1
        ? routing.groups.map((group) => ({ label: group, groups: [group], required }))
        : [{ label: groupLabel(routing.groups), groups: routing.groups, required }];
    return { routing, requirements };
  }
  const rest = owners.uncovered.length === 0 ? undefined : await routeApprovers(input, await deps.knowledge(), deps.policy);
  const routing: ApproverRouting = {
    source: 'owner',
    groups: [...new Set([...owners.groups, ...(rest?.groups ?? [])])],
    explanation: rest ? `${owners.explanation} For ${owners.uncovered.join(', ')}: ${rest.explanation}` : owners.explanation,
    ...(rest?.matches ? { matches: rest.matches } : {}),
  };
  return { routing, requirements: ownerRequirements(owners, rest, required) };
}

/** One requirement per distinct set of owning groups, and one for the targets no owner covers. */
function ownerRequirements(owners: OwnerRouting, rest: ApproverRouting | undefined, required: number): ApprovalRequirement[] {
  // A provider that names owners but not which target each owns: any one of them approves for all.
  const sets = owners.owners?.length ? owners.owners.map((o) => ({ groups: o.groups, targets: [...o.targets] })) : [{ groups: owners.groups, targets: [] as string[] }];
  if (rest && owners.uncovered.length > 0) {
    const same = sets.find((s) => sameGroups(s.groups, rest.groups));
    if (same) same.targets.push(...owners.uncovered);
    else sets.push({ groups: rest.groups, targets: [...owners.uncovered] });
  }
  return sets.map((s) => ({ label: groupLabel(s.groups), groups: [...s.groups], required, ...(s.targets.length ? { targets: s.targets } : {}) }));
}

function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}
