import { ValidationError } from '../errors.js';
import type { Party } from '../people.js';
import type { ApprovalRequirement } from '../types.js';
import { eligibleApprovers } from './approvers.js';
import type { JitDeps } from './deps.js';

/**
 * The people who may approve each of these requirements, in order: the ACTIVE members of its groups, without
 * `exclude` (the requester, whoever asked on their behalf). A requirement that fewer people could meet than it
 * needs is a clear error before anything is stored: such a request could never be granted.
 */
export async function approversForRequirements(deps: Pick<JitDeps, 'directory'>, requirements: ApprovalRequirement[], exclude: Party[]): Promise<Party[][]> {
  const lists: Party[][] = [];
  for (const requirement of requirements) {
    const parties = await eligibleApprovers(deps, requirement.groups, exclude);
    if (parties.length < requirement.required) {
      const others = parties.length === 1 ? 'only 1 active member' : `only ${parties.length} active members`;
      throw new ValidationError(
        'approvers.not_enough',
        `This request needs ${requirement.required} different approvers from ${requirement.label}${forTargets(requirement)}, but ${requirement.groups.length > 1 ? 'those groups have' : 'that group has'} ${others} other than the requester. Ask an administrator to add approvers, or to lower approvals.required for this entry.`,
        { requirement: requirement.label, required: requirement.required, eligible: parties.length },
      );
    }
    lists.push(parties);
  }
  return lists;
}

/** Everyone in `lists`, once each, sorted by email. */
export function unionOf(lists: Party[][]): Party[] {
  const all = new Map<string, Party>();
  for (const party of lists.flat()) all.set(party.email, party);
  return [...all.values()].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

function forTargets(requirement: ApprovalRequirement): string {
  return requirement.targets?.length ? ` (for ${requirement.targets.join(', ')})` : '';
}
