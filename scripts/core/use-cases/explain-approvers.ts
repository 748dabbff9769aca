import { identityOrUndefined } from '../identity.js';
import { mayBeSamePerson, type Party } from '../people.js';
import type { GroupReport } from '../ports.js';
import type { JitDeps } from './deps.js';

/** One approver group as the directory answered: who counts, from where, and who does not and why. */
export interface GroupExplanation {
  group: string;
  /** The group as the directory names it ("GitHub team acme/platform"). */
  source: string;
  approvers: { email: string; id?: string; note?: string }[];
  notCounted: { account: string; reason: string }[];
}

/**
 * What the directory says about each approver group, for `kubiya-jit approvers`: the ACTIVE members who
 * may approve (with how they are in the group), and everyone listed who may not, with the reason — not
 * ACTIVE, the requester, or an account the directory could not map to a person.
 */
export async function explainApprovers(deps: Pick<JitDeps, 'directory'>, groups: string[], exclude: Party[]): Promise<GroupExplanation[]> {
  const explanations: GroupExplanation[] = [];
  for (const group of groups) {
    // A directory without describeGroup (config, Okta) is explained from its member list.
    const report: GroupReport = (await deps.directory.describeGroup?.(group)) ?? {
      source: `group ${group}`,
      members: (await deps.directory.groupMembers(group)).map((person) => ({ person })),
      unmatched: [],
    };
    const explanation: GroupExplanation = { group, source: report.source, approvers: [], notCounted: [] };
    for (const { person, note } of report.members) {
      // The same normalisation and the same id comparison as eligibleApprovers, so the two never disagree.
      const email = identityOrUndefined(person.email);
      const party: Party | undefined = email ? (person.id ? { email, id: person.id } : { email }) : undefined;
      if (!email || !party) explanation.notCounted.push({ account: person.email.slice(0, 80), reason: 'an address that is not a valid identity' });
      else if (!person.active) explanation.notCounted.push({ account: email, reason: 'not active in the directory' });
      else if (exclude.some((p) => mayBeSamePerson(party, p))) explanation.notCounted.push({ account: email, reason: 'the requester, who cannot approve their own request' });
      else explanation.approvers.push({ email, ...(person.id ? { id: person.id } : {}), ...(note ? { note } : {}) });
    }
    explanation.notCounted.push(...report.unmatched.map((u) => ({ account: u.account, reason: `${u.reason}: not matched to anyone` })));
    explanations.push(explanation);
  }
  return explanations;
}
