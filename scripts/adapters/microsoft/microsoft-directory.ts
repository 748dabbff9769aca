/**
 * The Directory port on Microsoft Entra ID: groups are named by object id or display name, members are the
 * group's transitive members (nested groups included), people are found by their primary email (`mail`)
 * only — never by a user principal name that might equal someone else's email — and a person's stable id is
 * their Entra object id. Disabled accounts (`accountEnabled: false`) are never ACTIVE.
 */
import { UpstreamError } from '../../core/errors.js';
import type { Directory } from '../../core/ports.js';
import { CachedDirectory, type DirectorySource, type GroupRef, type SourceListing, type SourcePerson } from '../directory/cached-directory.js';
import { type ProviderDirectoryOptions, resolveProviderOptions } from '../directory/directory-options.js';
import { createGraphApi, type EntraUserRecord, type GraphApi } from './microsoft-api.js';
import { readMicrosoftSettings } from './microsoft-settings.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toSourcePerson(user: EntraUserRecord): SourcePerson {
  return { person: { email: user.mail!, active: user.accountEnabled, id: user.id, ...(user.displayName ? { displayName: user.displayName } : {}) } };
}

/** The reads behind the Entra directory. */
export class EntraSource implements DirectorySource {
  readonly namespace: string;

  constructor(private readonly api: GraphApi, tenantId: string) {
    this.namespace = `entra:${tenantId.toLowerCase()}`;
  }

  describe(group: string): string {
    return `Entra group ${group}`;
  }

  async resolveGroup(name: string): Promise<GroupRef> {
    const wanted = name.trim();
    if (GUID.test(wanted)) {
      const group = await this.api.groupById(wanted.toLowerCase());
      if (group) return { id: group.id, name: group.displayName };
    } else {
      // Graph's `eq` ignores case; only the exact display name counts.
      const exact = (await this.api.groupsNamed(wanted)).filter((g) => g.displayName === wanted);
      if (exact.length === 1) return { id: exact[0]!.id, name: exact[0]!.displayName };
      if (exact.length > 1) {
        throw new UpstreamError('directory.group_ambiguous', `Entra has ${exact.length} groups named "${wanted}": name the group by its object id in the config instead.`, {
          detail: { group: wanted, ids: exact.map((g) => g.id) },
        });
      }
    }
    throw new UpstreamError('directory.group_not_found', `Entra has no group "${wanted}": name approver groups by object id or exact display name.`, { detail: { group: wanted } });
  }

  async listMembers(group: GroupRef): Promise<SourceListing | undefined> {
    const users = await this.api.transitiveUsers(group.id);
    if (!users) return undefined;
    const listing: SourceListing = { members: [], unmatched: [] };
    for (const user of users) {
      if (user.mail) listing.members.push(toSourcePerson(user));
      else listing.unmatched.push({ account: user.userPrincipalName ?? user.id, reason: 'the account has no primary email (mail)' });
    }
    return listing;
  }

  async personByEmail(email: string): Promise<SourcePerson | undefined> {
    const candidates = (await this.api.usersByMail(email)).filter((u) => u.mail === email);
    if (candidates.length <= 1) return candidates[0] ? toSourcePerson(candidates[0]) : undefined;
    throw new UpstreamError('directory.person_ambiguous', `${candidates.length} Entra accounts have the email ${email}: ask an Entra admin to make it unique.`, { detail: { email } });
  }

  isMember(person: SourcePerson, group: GroupRef): Promise<boolean> {
    return this.api.isInGroup(person.person.id!, group.id);
  }

  withBudget<T>(operation: () => Promise<T>): Promise<T> {
    return this.api.withBudget(operation);
  }
}

/**
 * Builds the Entra directory from the environment (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
 * `AZURE_CLIENT_SECRET`; `AZURE_AUTHORITY_HOST`, `MICROSOFT_GRAPH_URL` for national clouds). The SDKs are
 * loaded only now.
 */
export async function createMicrosoftDirectory(env: Record<string, string | undefined>, options: ProviderDirectoryOptions): Promise<Directory> {
  const settings = readMicrosoftSettings(env);
  const resolved = resolveProviderOptions(options);
  const api = await createGraphApi(settings, { log: resolved.log, maxRateLimitWaitSeconds: resolved.maxRateLimitWaitSeconds, requestTimeoutMs: resolved.requestTimeoutMs });
  return new CachedDirectory(new EntraSource(api, settings.tenantId), resolved);
}
