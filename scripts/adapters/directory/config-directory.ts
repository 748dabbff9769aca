import { UpstreamError } from '../../core/errors.js';
import { asciiLower, identityOrUndefined } from '../../core/identity.js';
import type { Directory } from '../../core/ports.js';
import type { Person } from '../../core/types.js';

/** A group's members as the config lists them: an email, or an email with an Okta-like status. */
export type ConfigMember = string | { email: string; status?: 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED' };

/**
 * A {@link Directory} over the groups listed in the config file (`directory.groups`). For small teams and for
 * trying the package out; Okta is the directory for an organisation. Everyone listed is known; only ACTIVE
 * people (the default) count. The config lists have no stable ids, so people found here have none and the
 * core compares them by their normalised email.
 */
export class ConfigDirectory implements Directory {
  private readonly groups = new Map<string, Person[]>();
  private readonly people = new Map<string, Person>();

  constructor(groups: Record<string, ConfigMember[]>) {
    for (const [name, members] of Object.entries(groups)) {
      const people = members.map(toPerson);
      this.groups.set(name, people);
      for (const person of people) {
        // Someone listed as suspended anywhere is suspended everywhere: the safer reading of a contradiction.
        const known = this.people.get(person.email);
        this.people.set(person.email, known && !known.active ? known : person);
      }
    }
  }

  async findPerson(email: string): Promise<Person | undefined> {
    const wanted = identityOrUndefined(email);
    return wanted === undefined ? undefined : this.people.get(wanted);
  }

  async groupMembers(group: string): Promise<Person[]> {
    return this.listed(group).map((member) => this.people.get(member.email) ?? member);
  }

  /** Whether the person is ACTIVE and listed in the group; a group the config does not list is an error, as in every directory. */
  async isActiveMember(email: string, group: string): Promise<boolean> {
    const members = this.listed(group);
    const wanted = identityOrUndefined(email);
    const person = wanted === undefined ? undefined : this.people.get(wanted);
    return Boolean(person?.active && members.some((member) => member.email === person.email));
  }

  private listed(group: string): Person[] {
    const members = this.groups.get(group);
    if (!members) {
      throw new UpstreamError('directory.group_not_found', `Group ${group} is not listed under directory.groups in the config. Add it, or fix the group name.`, {
        detail: { group },
      });
    }
    return members;
  }
}

function toPerson(member: ConfigMember): Person {
  // The one normalisation (ASCII lower case only): a listed address with a look-alike letter matches nobody.
  const email = asciiLower((typeof member === 'string' ? member : member.email).trim());
  const status = typeof member === 'string' ? 'ACTIVE' : (member.status ?? 'ACTIVE');
  return { email, active: status === 'ACTIVE' };
}
