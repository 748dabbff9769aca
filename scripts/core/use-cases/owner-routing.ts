import { routeApprovers, type RoutingInput } from '../approver-routing.js';
import type { AccessProvider, GrantContext } from '../ports.js';
import type { ApproverRouting } from '../types.js';
import type { JitDeps } from './deps.js';

/**
 * Routes a request to the owners its provider names for its targets (a namespace's owners), and for targets
 * that name none, to the usual routing (the entry's mapping, knowledge, the default groups). Without owners,
 * it is the usual routing alone.
 */
export async function routeWithOwners(deps: JitDeps, provider: AccessProvider, ctx: GrantContext, input: RoutingInput): Promise<ApproverRouting> {
  const owners = await provider.ownerGroups?.(ctx);
  if (!owners || owners.groups.length === 0) return routeApprovers(input, await deps.knowledge(), deps.policy);
  if (owners.uncovered.length === 0) return { source: 'owner', groups: [...new Set(owners.groups)], explanation: owners.explanation };
  const rest = await routeApprovers(input, await deps.knowledge(), deps.policy);
  return {
    source: 'owner',
    groups: [...new Set([...owners.groups, ...rest.groups])],
    explanation: `${owners.explanation} For ${owners.uncovered.join(', ')}: ${rest.explanation}`,
    ...(rest.matches ? { matches: rest.matches } : {}),
  };
}
