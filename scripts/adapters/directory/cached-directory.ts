/**
 * The {@link Directory} port over any provider that can list a group, find a person by primary email and
 * check one membership (GitHub, Google Workspace, Microsoft Entra). The provider-specific reads live in a
 * {@link DirectorySource}; this class adds what every directory must do the same way: the two caches in the
 * store with bounded windows (a window of 0 s is never read or written), one rate-limit wait budget per
 * operation, and the rule that only ACTIVE people are members.
 */
import type { Directory, GroupMemberReport, GroupReport } from '../../core/ports.js';
import type { Person } from '../../core/types.js';
import type { ProviderDirectoryOptions } from './directory-options.js';
import { resolveProviderOptions } from './directory-options.js';
import { identityOrUndefined } from '../../core/identity.js';
import { readJsonCache, writeJsonCache } from './json-cache.js';

/** A group as the provider identifies it: its stable id, and the name the config uses. */
export interface GroupRef {
  id: string;
  name: string;
}

/** What a provider reports about one group's members. */
export interface SourceListing {
  members: GroupMemberReport[];
  /** Accounts in the group that map to no email: reported, never matched to anyone. */
  unmatched: { account: string; reason: string }[];
}

/** A person as the provider found them: the domain person plus whatever the provider needs to check them. */
export interface SourcePerson {
  person: Person;
}

/** The provider reads behind a {@link CachedDirectory}. Every method throws UpstreamError on failure. */
export interface DirectorySource<P extends SourcePerson = SourcePerson> {
  /** Keeps cache keys of different providers and tenants apart ("github:acme"). */
  readonly namespace: string;
  /** The group as people know it, for messages ("GitHub team acme/platform"). */
  describe(group: string): string;
  /** The group's stable id; `directory.group_not_found` naming it when there is none. */
  resolveGroup(name: string): Promise<GroupRef>;
  /** Every member, nested groups expanded, any status; undefined when the group is gone (a stale id). */
  listMembers(group: GroupRef): Promise<SourceListing | undefined>;
  /** The person whose primary (organisation) email is `email`, any status; undefined when unknown. */
  personByEmail(email: string): Promise<P | undefined>;
  /** Whether the person is in the group now, directly or through a nested group. */
  isMember(person: P, group: GroupRef): Promise<boolean>;
  /** Runs a directory operation under one rate-limit wait budget. */
  withBudget<T>(operation: () => Promise<T>): Promise<T>;
}

/** The cached answer to "who is this email?": the provider's record, or null for nobody. */
interface PersonEntry<P> {
  found: P | null;
}

/** {@link Directory} over a {@link DirectorySource}, with the store's caches. */
export class CachedDirectory<P extends SourcePerson> implements Directory {
  private readonly options: Required<ProviderDirectoryOptions>;

  constructor(
    private readonly source: DirectorySource<P>,
    options: ProviderDirectoryOptions,
  ) {
    this.options = resolveProviderOptions(options);
  }

  /** The person whose primary email this is (never a login or alias), any status; undefined when unknown. */
  findPerson(email: string): Promise<Person | undefined> {
    return this.source.withBudget(async () => (await this.lookUp(email))?.person);
  }

  /** Every member of the group, nested groups expanded, any status. */
  groupMembers(group: string): Promise<Person[]> {
    return this.source.withBudget(async () => (await this.listing(group)).members.map((m) => m.person));
  }

  /** The group's members with how each is in it, and the accounts that map to nobody. */
  describeGroup(group: string): Promise<GroupReport> {
    return this.source.withBudget(async () => ({ source: this.source.describe(group), ...(await this.listing(group)) }));
  }

  /**
   * Whether the person is ACTIVE and in the group, as the provider saw it at most `membershipCacheSeconds`
   * ago. This is the decision-time check: it never reads the member-list cache.
   */
  isActiveMember(email: string, group: string): Promise<boolean> {
    return this.source.withBudget(async () => {
      // The one normalisation (core/identity.ts): an address that is not plain ASCII is nobody, never folded.
      const wanted = identityOrUndefined(email);
      if (!wanted) {
        await this.group(group, this.options.membershipCacheSeconds);
        return false;
      }
      const key = this.key('member', `${group}\n${wanted}`);
      const cached = await this.read<{ member: boolean }>(key, this.options.membershipCacheSeconds);
      if (cached) return cached.member;
      const found = await this.lookUp(wanted);
      let member = false;
      if (found?.person.active) {
        const ref = await this.group(group, this.options.membershipCacheSeconds);
        member = await this.source.isMember(found, ref);
      } else {
        // Still refuse a group that does not exist, rather than answer false about it silently.
        await this.group(group, this.options.membershipCacheSeconds);
      }
      await this.write(key, { member }, this.options.membershipCacheSeconds);
      return member;
    });
  }

  private async lookUp(email: string): Promise<P | undefined> {
    const wanted = identityOrUndefined(email);
    if (!wanted) return undefined;
    const key = this.key('person', wanted);
    const cached = await this.read<PersonEntry<P>>(key, this.options.membershipCacheSeconds);
    if (cached) return cached.found ?? undefined;
    const found = await this.source.personByEmail(wanted);
    await this.write(key, { found: found ?? null }, this.options.membershipCacheSeconds);
    return found;
  }

  private async listing(group: string): Promise<SourceListing> {
    const window = this.options.memberListCacheSeconds;
    const key = this.key('members', group);
    const cached = await this.read<SourceListing>(key, window);
    if (cached) return cached;
    let listing = await this.source.listMembers(await this.group(group, window));
    if (!listing) {
      // The cached id is stale (the group was deleted, perhaps recreated): look the name up afresh.
      listing = await this.source.listMembers(await this.group(group, window, true));
      if (!listing) throw new Error(`${this.source.describe(group)} vanished while it was being read`);
    }
    if (listing.unmatched.length > 0) {
      this.options.log.warn('Directory group members with no known email were left out', {
        group,
        accounts: listing.unmatched.map((u) => u.account),
      });
    }
    await this.write(key, listing, window);
    return listing;
  }

  /** The group's id, cached no longer than `window` (the caller's own bound). */
  private async group(name: string, window: number, fresh = false): Promise<GroupRef> {
    const key = this.key('group', name);
    const cached = fresh ? undefined : await this.read<GroupRef>(key, window);
    if (cached) return cached;
    const ref = await this.source.resolveGroup(name);
    await this.write(key, ref, Math.min(window, this.options.memberListCacheSeconds));
    return ref;
  }

  private key(kind: string, name: string): string {
    return `directory:${this.source.namespace}:${kind}:${name}`;
  }

  private read<T>(key: string, windowSeconds: number): Promise<T | undefined> {
    return readJsonCache<T>(this.options.cache, this.options.clock, key, windowSeconds);
  }

  private write(key: string, value: unknown, windowSeconds: number): Promise<void> {
    return writeJsonCache(this.options.cache, this.options.clock, key, value, windowSeconds);
  }

}
