import { UpstreamError, ValidationError } from '../errors.js';
import { identityOrUndefined } from '../identity.js';
import { mayBeSamePerson, type Party } from '../people.js';
import type { JitDeps } from './deps.js';

/**
 * The ACTIVE members of the approver groups, without the people in `exclude` (the requester and whoever ran
 * the request: nobody approves their own access; matched by directory id or address, the safe side). No one
 * left is a clear error before anything is stored. Sorted by email; each with the directory id it has.
 */
export async function eligibleApprovers(deps: Pick<JitDeps, 'directory'>, groups: string[], exclude: Party[]): Promise<Party[]> {
  const approvers = new Map<string, Party>();
  for (const group of groups) {
    let members;
    try {
      members = await deps.directory.groupMembers(group);
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      throw new UpstreamError('directory.unavailable', `Could not list the members of approver group ${group}.`, { cause: err });
    }
    for (const member of members) {
      // A member whose address is not a valid identity (empty, or not plain ASCII) can never act as one.
      const email = identityOrUndefined(member.email);
      if (!email || !member.active) continue;
      const party: Party = member.id ? { email, id: member.id } : { email };
      if (exclude.some((person) => mayBeSamePerson(party, person))) continue;
      approvers.set(email, party);
    }
  }
  if (approvers.size === 0) {
    throw new ValidationError(
      'approvers.none_eligible',
      `Nobody can approve this request: the approver group${groups.length > 1 ? 's' : ''} ${groups.join(', ')} ${groups.length > 1 ? 'have' : 'has'} no active member other than the requester. Ask an administrator to add approvers.`,
      { groups },
    );
  }
  return [...approvers.values()].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

/** Whether `email` may decide a request for these groups right now (ACTIVE and still a member). */
export async function isEligibleApprover(deps: Pick<JitDeps, 'directory'>, email: string, groups: string[]): Promise<boolean> {
  for (const group of groups) {
    if (await deps.directory.isActiveMember(email, group)) return true;
  }
  return false;
}
