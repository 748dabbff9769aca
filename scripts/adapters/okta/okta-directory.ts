/**
 * The Directory port on Okta: groups by exact name, their members across every page, people by primary email
 * (never by login: see the Directory contract in ports.ts), and a person's groups. Only ACTIVE people are active. Membership checks are cached for at most
 * `membershipCacheSeconds` (≤ 300) so a removal or suspension in Okta takes effect within that window;
 * member lists are cached for `memberListCacheSeconds` so resolving a big group is fast the second time.
 */
import type { Clock } from '../../core/clock.js';
import { ConfigError, UpstreamError } from '../../core/errors.js';
import { asciiLower, identityOrUndefined } from '../../core/identity.js';
import type { Directory, Logger, RequestStore } from '../../core/ports.js';
import type { Person } from '../../core/types.js';
import { createOktaApi, type OktaApi, type OktaGroupRecord, type OktaUserRecord } from './okta-api.js';
import { readOktaSettings } from './okta-settings.js';
import { readJsonCache, writeJsonCache } from '../directory/json-cache.js';

/** The cache the directory keeps its lookups in (the request store provides it). */
export type DirectoryCache = Pick<RequestStore, 'cacheGet' | 'cachePut'>;

/** What {@link createOktaDirectory} and {@link OktaDirectory} take besides the environment. */
export interface OktaDirectoryOptions {
  cache: DirectoryCache;
  clock: Clock;
  log: Logger;
  /** How stale a membership or status check may be, in seconds: 0–300, default 60. */
  membershipCacheSeconds?: number;
  /** How long a group's member list is reused, in seconds: 0–3600, default 300. */
  memberListCacheSeconds?: number;
  /** Longest total wait for Okta's rate limits in one operation, in seconds: default 30. */
  maxRateLimitWaitSeconds?: number;
  /** Longest wait for one Okta answer, in milliseconds: default 15000. */
  requestTimeoutMs?: number;
}

/** What one cached look at a person holds: who they are and their groups. */
interface PersonSnapshot {
  person: Person | null;
  groups: { id: string; name: string }[];
}

function seconds(name: string, value: number | undefined, fallback: number, max: number): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 0 || resolved > max) {
    throw new ConfigError(`The Okta ${name} must be a whole number of seconds from 0 to ${max} (got ${String(value)}).`, { setting: name });
  }
  return resolved;
}

/** Checks the option ranges and fills in defaults. */
export function resolveDirectoryOptions(options: OktaDirectoryOptions): Required<OktaDirectoryOptions> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1) {
    throw new ConfigError(`Okta requestTimeoutMs must be a positive whole number (got ${String(options.requestTimeoutMs)}).`);
  }
  return {
    ...options,
    membershipCacheSeconds: seconds('membership cache (directory.membership_cache)', options.membershipCacheSeconds, 60, 300),
    memberListCacheSeconds: seconds('member list cache (directory.member_list_cache)', options.memberListCacheSeconds, 300, 3600),
    maxRateLimitWaitSeconds: seconds('maxRateLimitWaitSeconds', options.maxRateLimitWaitSeconds, 30, 600),
    requestTimeoutMs,
  };
}

function toPerson(user: OktaUserRecord): Person {
  // Emails are compared by callers in the one normalisation; a non-ASCII address stays as it is and so matches
  // nobody, rather than being folded into someone else's.
  return {
    email: asciiLower(user.email),
    active: user.status === 'ACTIVE',
    id: user.id,
    ...(user.displayName ? { displayName: user.displayName } : {}),
  };
}

function groupNotFound(name: string): UpstreamError {
  return new UpstreamError(
    'directory.group_not_found',
    `Okta has no group named "${name}": check the group name in the config (names match exactly, including case).`,
    { detail: { group: name } },
  );
}

/** Picks the one group with exactly this name, preferring Okta-mastered groups over imported ones. */
function pickGroup(name: string, candidates: OktaGroupRecord[]): OktaGroupRecord {
  const exact = candidates.filter((g) => g.name === name);
  const preferred = exact.length > 1 ? exact.filter((g) => g.type === 'OKTA_GROUP') : exact;
  if (preferred.length === 1 && preferred[0]) return preferred[0];
  if (exact.length === 0) throw groupNotFound(name);
  throw new UpstreamError(
    'directory.group_ambiguous',
    `Okta has ${exact.length} groups named "${name}": rename one in Okta or name a unique group in the config.`,
    { detail: { group: name, ids: exact.map((g) => g.id) } },
  );
}

/** {@link Directory} backed by Okta, plus {@link OktaDirectory.groupsOf}. */
export class OktaDirectory implements Directory {
  private readonly options: Required<OktaDirectoryOptions>;

  /** `namespace` keeps cache keys of different orgs apart (the org URL). */
  constructor(
    private readonly api: OktaApi,
    options: OktaDirectoryOptions,
    private readonly namespace: string,
  ) {
    this.options = resolveDirectoryOptions(options);
  }

  /** Looks a person up by primary email; undefined when Okta does not know them. */
  findPerson(email: string): Promise<Person | undefined> {
    return this.api.withBudget(async () => (await this.snapshot(email)).person ?? undefined);
  }

  /** Every member of the group, any status; `directory.group_not_found` when there is no such group. */
  groupMembers(group: string): Promise<Person[]> {
    return this.api.withBudget(async () => {
      const key = this.key('members', group);
      const cached = await this.read<Person[]>(key, this.options.memberListCacheSeconds);
      if (cached) return cached;
      let record = await this.group(group);
      let members = await this.api.groupMembers(record);
      if (!members) {
        // The cached id is stale (the group was deleted, perhaps recreated): look the name up afresh.
        record = await this.group(group, true);
        members = await this.api.groupMembers(record);
        if (!members) throw groupNotFound(group);
      }
      const people = members.map(toPerson);
      await this.write(key, people, this.options.memberListCacheSeconds);
      return people;
    });
  }

  /** Whether the person is ACTIVE and in the group, as Okta saw it at most `membershipCacheSeconds` ago. */
  isActiveMember(email: string, group: string): Promise<boolean> {
    return this.api.withBudget(async () => {
      const record = await this.group(group);
      const snapshot = await this.snapshot(email);
      return snapshot.person?.active === true && snapshot.groups.some((g) => g.id === record.id);
    });
  }

  /** The names of the groups the person is in (any status); empty when Okta does not know them. */
  groupsOf(email: string): Promise<string[]> {
    return this.api.withBudget(async () => (await this.snapshot(email)).groups.map((g) => g.name));
  }

  private async group(name: string, fresh = false): Promise<OktaGroupRecord> {
    const key = this.key('group', name);
    const cached = fresh ? undefined : await this.read<OktaGroupRecord>(key, this.options.memberListCacheSeconds);
    if (cached) return cached;
    const record = pickGroup(name, await this.api.groupsNamed(name));
    await this.write(key, record, this.options.memberListCacheSeconds);
    return record;
  }

  private async snapshot(email: string): Promise<PersonSnapshot> {
    const wanted = identityOrUndefined(email);
    if (!wanted) return { person: null, groups: [] };
    const key = this.key('person', wanted);
    const cached = await this.read<PersonSnapshot>(key, this.options.membershipCacheSeconds);
    if (cached) return cached;
    const user = await this.lookUp(wanted);
    const groups = user ? (await this.api.groupsOfUser(user.id)).map((g) => ({ id: g.id, name: g.name })) : [];
    const snapshot: PersonSnapshot = { person: user ? toPerson(user) : null, groups };
    await this.write(key, snapshot, this.options.membershipCacheSeconds);
    return snapshot;
  }

  /**
   * Finds the Okta user whose primary email is `wanted`. Never by login: an Okta login can be any
   * email-shaped string, so one person's login may equal another person's email.
   */
  private async lookUp(wanted: string): Promise<OktaUserRecord | undefined> {
    // Okta's filter compares without regard to case (and its own folding): only an exact ASCII match counts.
    const candidates = (await this.api.usersByEmail(wanted)).filter((u) => asciiLower(u.email) === wanted);
    if (candidates.length <= 1) return candidates[0];
    const active = candidates.filter((u) => u.status === 'ACTIVE');
    if (active.length === 0) return candidates[0];
    if (active.length === 1) return active[0];
    this.options.log.warn('Several active Okta users share one email', { email: wanted, ids: active.map((u) => u.id) });
    throw new UpstreamError(
      'directory.person_ambiguous',
      `${active.length} active Okta users have the primary email ${wanted}: ask an Okta admin to make it unique.`,
      { detail: { email: wanted } },
    );
  }

  private key(kind: string, name: string): string {
    return `okta:${this.namespace}:${kind}:${name}`;
  }

  private read<T>(key: string, windowSeconds: number): Promise<T | undefined> {
    return readJsonCache<T>(this.options.cache, this.options.clock, key, windowSeconds);
  }

  private write(key: string, value: unknown, windowSeconds: number): Promise<void> {
    return writeJsonCache(this.options.cache, this.options.clock, key, value, windowSeconds);
  }

}

/**
 * Builds an {@link OktaDirectory} from the environment (`OKTA_ORG_URL` with `OKTA_API_TOKEN`, or
 * `OKTA_CLIENT_ID` + `OKTA_PRIVATE_KEY` [+ `OKTA_KEY_ID`]). The Okta SDK is loaded only now, so importing
 * this module costs nothing to tools that never reach Okta.
 */
export async function createOktaDirectory(env: Record<string, string | undefined>, options: OktaDirectoryOptions): Promise<OktaDirectory> {
  const settings = readOktaSettings(env);
  const resolved = resolveDirectoryOptions(options);
  const api = await createOktaApi(settings, {
    log: resolved.log,
    maxRateLimitWaitSeconds: resolved.maxRateLimitWaitSeconds,
    requestTimeoutMs: resolved.requestTimeoutMs,
  });
  return new OktaDirectory(api, resolved, settings.orgUrl);
}
