/**
 * The Directory port on Google Workspace: groups are named by their email, nested groups are expanded
 * (members of a member group are members), people are found by their primary email only (an alias is not
 * the person's email), and a person's stable id is their Google user id. Suspended and archived users are
 * never ACTIVE.
 */
import { UpstreamError } from '../../core/errors.js';
import type { Directory, GroupMemberReport } from '../../core/ports.js';
import { CachedDirectory, type DirectorySource, type GroupRef, type SourceListing, type SourcePerson } from '../directory/cached-directory.js';
import { type ProviderDirectoryOptions, resolveProviderOptions } from '../directory/directory-options.js';
import { createGoogleApi, type GoogleApi } from './google-api.js';
import { type GoogleConfig, readGoogleSettings } from './google-settings.js';

/** A Google person: the domain person and their user id (the membership check's key). */
interface GooglePerson extends SourcePerson {
  userId: string;
}

/** Nested groups deeper than this are not followed (Google allows cycles to be refused, not depth). */
const MAX_DEPTH = 20;

/** The reads behind the Google directory. */
export class GoogleSource implements DirectorySource<GooglePerson> {
  readonly namespace: string;

  constructor(private readonly api: GoogleApi, subject: string) {
    this.namespace = `google:${subject.split('@')[1] ?? subject}`;
  }

  describe(group: string): string {
    return `Google group ${group}`;
  }

  async resolveGroup(name: string): Promise<GroupRef> {
    const key = name.trim().toLowerCase();
    const group = /^[^\s@]+@[^\s@]+$/.test(key) ? await this.api.group(key) : undefined;
    if (!group) {
      throw new UpstreamError('directory.group_not_found', `Google Workspace has no group ${name}: name approver groups by their email address, e.g. platform-approvers@example.com.`, {
        detail: { group: name },
      });
    }
    return { id: group.id, name: group.email };
  }

  async listMembers(group: GroupRef): Promise<SourceListing | undefined> {
    const direct = await this.api.members(group.id);
    if (!direct) return undefined;
    // One search each for suspended and archived users: cheaper than reading every member's user record.
    const [suspended, archived] = await Promise.all([this.api.userIds('isSuspended=true'), this.api.userIds('isArchived=true')]);
    const inactive = new Set([...suspended, ...archived]);
    const listing: SourceListing = { members: [], unmatched: [] };
    const seen = new Map<string, GroupMemberReport>();
    const visit = async (members: typeof direct, via: string | undefined, path: Set<string>, depth: number) => {
      for (const member of members) {
        if (member.type === 'GROUP') {
          if (path.has(member.id) || depth >= MAX_DEPTH) continue;
          const nested = (await this.api.members(member.id)) ?? [];
          await visit(nested, via ?? member.email, new Set([...path, member.id]), depth + 1);
        } else if (member.type === 'USER') {
          const active = member.status === 'ACTIVE' && !inactive.has(member.id);
          const known = seen.get(member.id);
          // Direct membership explains best; a nested route only fills in someone not yet seen.
          if (!known || (known.note && !via)) {
            seen.set(member.id, { person: { email: member.email, active, id: member.id }, ...(via ? { note: `through group ${via}` } : {}) });
          }
        } else {
          listing.unmatched.push({ account: member.email || member.id, reason: `a ${member.type.toLowerCase()} member (everyone in the organisation) is not expanded into people` });
        }
      }
    };
    await visit(direct, undefined, new Set([group.id]), 0);
    listing.members = [...seen.values()];
    return listing;
  }

  async personByEmail(email: string): Promise<GooglePerson | undefined> {
    const user = await this.api.user(email);
    // users.get also resolves aliases and ids: only the primary email identifies the person.
    if (!user || user.primaryEmail !== email) return undefined;
    return {
      userId: user.id,
      person: { email: user.primaryEmail, active: !user.suspended && !user.archived, id: user.id, ...(user.name ? { displayName: user.name } : {}) },
    };
  }

  isMember(person: GooglePerson, group: GroupRef): Promise<boolean> {
    return this.api.hasMember(group.id, person.userId);
  }

  withBudget<T>(operation: () => Promise<T>): Promise<T> {
    return this.api.withBudget(operation);
  }
}

/**
 * Builds the Google directory from the environment (`GOOGLE_SERVICE_ACCOUNT_KEY`; `GOOGLE_API_URL`,
 * `GOOGLE_TOKEN_URL` to move the endpoints) and the `directory` section (`admin_email`). The client
 * libraries are loaded only now.
 */
export async function createGoogleDirectory(env: Record<string, string | undefined>, config: GoogleConfig, options: ProviderDirectoryOptions): Promise<Directory> {
  const settings = readGoogleSettings(env, config);
  const resolved = resolveProviderOptions(options);
  const api = await createGoogleApi(settings, { log: resolved.log, maxRateLimitWaitSeconds: resolved.maxRateLimitWaitSeconds, requestTimeoutMs: resolved.requestTimeoutMs });
  return new CachedDirectory(new GoogleSource(api, settings.subject), resolved);
}
