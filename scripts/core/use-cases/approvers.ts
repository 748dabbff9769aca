import { UpstreamError, ValidationError } from '../errors.js';
import type { JitDeps } from './deps.js';

/**
 * The ACTIVE members of the approver groups, without the people in `exclude` (the requester and whoever ran
 * the request: nobody approves their own access). No one left is a clear error before anything is stored.
 */
export async function eligibleApprovers(deps: Pick<JitDeps, 'directory'>, groups: string[], exclude: string[]): Promise<string[]> {
  const excluded = new Set(exclude);
  const approvers = new Set<string>();
  for (const group of groups) {
    let members;
    try {
      members = await deps.directory.groupMembers(group);
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      throw new UpstreamError('directory.unavailable', `Could not list the members of approver group ${group}.`, { cause: err });
    }
    for (const member of members) {
      const email = member.email.toLowerCase();
      if (member.active && !excluded.has(email)) approvers.add(email);
    }
  }
  if (approvers.size === 0) {
    throw new ValidationError(
      'approvers.none_eligible',
      `Nobody can approve this request: the approver group${groups.length > 1 ? 's' : ''} ${groups.join(', ')} ${groups.length > 1 ? 'have' : 'has'} no active member other than the requester. Ask an administrator to add approvers.`,
      { groups },
    );
  }
  return [...approvers].sort();
}

/** Whether `email` may decide a request for these groups right now (ACTIVE and still a member). */
export async function isEligibleApprover(deps: Pick<JitDeps, 'directory'>, email: string, groups: string[]): Promise<boolean> {
  for (const group of groups) {
    if (await deps.directory.isActiveMember(email, group)) return true;
  }
  return false;
}
