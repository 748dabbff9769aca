/**
 * The Directory port on GitHub: the teams of one organisation are the groups (`org/team-slug`; a team's
 * members include its child teams' members, as GitHub counts them), people are organisation members whose
 * email is known from the mapping file or their SAML identity, and a person's stable id is their numeric
 * GitHub id. A person is ACTIVE while their organisation membership is active and their account is not
 * suspended; a team membership counts only once accepted.
 */
import { UpstreamError } from '../../core/errors.js';
import type { Directory } from '../../core/ports.js';
import type { Person } from '../../core/types.js';
import { CachedDirectory, type DirectorySource, type GroupRef, type SourceListing, type SourcePerson } from '../directory/cached-directory.js';
import { type ProviderDirectoryOptions, resolveProviderOptions } from '../directory/directory-options.js';
import { createGitHubApi, type GitHubApi, type GitHubUserRecord } from './github-api.js';
import { buildEmailIndex, type EmailIndex, type EmailLink, linkForAccount, readEmailMapping } from './github-emails.js';
import { type GitHubConfig, readGitHubSettings, type GitHubSettings } from './github-settings.js';

/** A GitHub person: the domain person and their current login (for membership checks). */
interface GitHubPerson extends SourcePerson {
  login: string;
}

function groupNotFound(group: string, why: string): UpstreamError {
  return new UpstreamError('directory.group_not_found', `GitHub team "${group}" ${why}: check the group name in the config (org/team-slug).`, { detail: { group } });
}

/** The reads behind the GitHub directory. */
export class GitHubSource implements DirectorySource<GitHubPerson> {
  readonly namespace: string;
  private index?: Promise<EmailIndex>;

  constructor(
    private readonly api: GitHubApi,
    private readonly settings: GitHubSettings,
    private readonly mapping: EmailLink[],
    private readonly options: Required<ProviderDirectoryOptions>,
  ) {
    this.namespace = `github:${settings.apiUrl}:${settings.organization.toLowerCase()}`;
  }

  describe(group: string): string {
    return `GitHub team ${group}`;
  }

  async resolveGroup(name: string): Promise<GroupRef> {
    const slug = this.slug(name);
    const id = await this.api.teamId(slug);
    if (id === undefined) throw groupNotFound(name, `does not exist in ${this.settings.organization} (or the App cannot see it)`);
    return { id: String(id), name: slug };
  }

  async listMembers(group: GroupRef): Promise<SourceListing | undefined> {
    const members = await this.api.teamMembers(group.name);
    if (!members) return undefined;
    const index = await this.emails();
    const suspended = await this.api.suspendedLogins(members.map((m) => m.login));
    const listing: SourceListing = { members: [], unmatched: [] };
    for (const member of members) {
      const link = linkForAccount(index, member);
      if (!link) {
        listing.unmatched.push({ account: member.login, reason: 'no email known (no SAML identity, not in the email mapping file)' });
      } else if (index.ambiguous.includes(link.email)) {
        listing.unmatched.push({ account: member.login, reason: `${link.email} is claimed by more than one GitHub account` });
      } else {
        // GitHub lists accepted memberships only; a suspended account is listed but never active.
        const active = !suspended.has(member.login.toLowerCase());
        listing.members.push({ person: { email: link.email, active, id: String(member.id) }, note: `GitHub ${member.login}, email from the ${link.source}` });
      }
    }
    return listing;
  }

  async personByEmail(email: string): Promise<GitHubPerson | undefined> {
    const index = await this.emails();
    if (index.ambiguous.includes(email)) {
      throw new UpstreamError('directory.person_ambiguous', `More than one GitHub account claims ${email} (SAML identities or the email mapping file): fix the mapping so each email has one account.`, {
        detail: { email },
      });
    }
    const link = index.links.find((l) => l.email === email);
    if (!link) return undefined;
    const user = link.id !== undefined ? await this.api.userById(link.id) : await this.api.userByLogin(link.login!);
    if (!user) return undefined;
    const state = await this.api.orgMembership(user.login);
    return { login: user.login, person: toPerson(email, user, state === 'active') };
  }

  async isMember(person: GitHubPerson, group: GroupRef): Promise<boolean> {
    return (await this.api.teamMembership(group.name, person.login)) === 'active';
  }

  withBudget<T>(operation: () => Promise<T>): Promise<T> {
    return this.api.withBudget(operation);
  }

  /** The team slug of `org/team-slug`; another organisation's team is refused, never looked up. */
  private slug(name: string): string {
    const match = /^([^/\s]+)\/([a-z0-9][a-z0-9_.-]*)$/i.exec(name.trim());
    if (!match) throw groupNotFound(name, 'is not named as org/team-slug');
    if (match[1]!.toLowerCase() !== this.settings.organization.toLowerCase()) {
      throw groupNotFound(name, `is not in the configured organisation ${this.settings.organization} (directory.organization)`);
    }
    return match[2]!.toLowerCase();
  }

  /** The email index, from the store's cache (member-list window) or built from the mapping file and SAML. */
  private emails(): Promise<EmailIndex> {
    this.index ??= (async () => {
      const key = `directory:${this.namespace}:emails`;
      const window = this.options.memberListCacheSeconds;
      const cached = window > 0 ? await this.options.cache.cacheGet(key, this.options.clock.now()) : undefined;
      if (cached) return JSON.parse(cached) as EmailIndex;
      const saml = this.settings.samlEmails ? ((await this.api.samlIdentities()) ?? []) : [];
      const index = buildEmailIndex(this.mapping, saml);
      if (window > 0) await this.options.cache.cachePut(key, JSON.stringify(index), this.options.clock.now() + window * 1000);
      return index;
    })();
    return this.index;
  }
}

function toPerson(email: string, user: GitHubUserRecord, orgActive: boolean): Person {
  return { email, active: orgActive && !user.suspended, id: String(user.id), ...(user.name ? { displayName: user.name } : {}) };
}

/**
 * Builds the GitHub directory from the environment (`GITHUB_APP_ID` + `GITHUB_APP_PRIVATE_KEY`
 * [+ `GITHUB_APP_INSTALLATION_ID`], or `GITHUB_TOKEN`; `GITHUB_API_URL` for GitHub Enterprise Server) and
 * the `directory` section. Octokit is loaded only now.
 */
export async function createGitHubDirectory(env: Record<string, string | undefined>, config: GitHubConfig, options: ProviderDirectoryOptions): Promise<Directory> {
  const settings = readGitHubSettings(env, config);
  const resolved = resolveProviderOptions(options);
  const mapping = settings.emailMapping ? await readEmailMapping(settings.emailMapping) : [];
  const api = await createGitHubApi(settings, { log: resolved.log, maxRateLimitWaitSeconds: resolved.maxRateLimitWaitSeconds, requestTimeoutMs: resolved.requestTimeoutMs });
  return new CachedDirectory(new GitHubSource(api, settings, mapping, resolved), resolved);
}
