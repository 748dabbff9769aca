/**
 * The few GitHub reads the directory needs, on `@octokit/rest` with `@octokit/auth-app` (both loaded
 * lazily). Responses are parsed here into plain records; Octokit types and errors never leave this module.
 * A fetch with a timeout bounds every answer, and one request hook adds what the SDK leaves to its caller:
 * primary and secondary rate limits waited out within the operation's budget, and one fresh installation
 * token after a 401.
 */
import type { Octokit } from '@octokit/rest';
import { UpstreamError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import { retryAfterMs, sleep, spendWait, withWaitBudget } from '../directory/wait-budget.js';
import { gitHubStatus, isRateLimit, mapGitHubError } from './github-errors.js';
import type { GitHubSettings } from './github-settings.js';

/** A GitHub account as the directory uses it. */
export interface GitHubUserRecord {
  id: number;
  login: string;
  name?: string;
  /** GitHub Enterprise Server (and managed users) can suspend accounts. */
  suspended: boolean;
}

/** One SAML identity linked to an organisation member. */
export interface SamlIdentityRecord {
  login: string;
  id: number;
  email: string;
}

/** The GitHub reads behind the directory. Every method throws UpstreamError on failure. */
export interface GitHubApi {
  /** The team's numeric id, or undefined when the organisation has no such team. */
  teamId(slug: string): Promise<number | undefined>;
  /** Every member of the team, child teams included (GitHub counts them); undefined when the team is gone. */
  teamMembers(slug: string): Promise<{ login: string; id: number }[] | undefined>;
  /** The state of the user's membership of the team (child teams included), or undefined when none. */
  teamMembership(slug: string, login: string): Promise<'active' | 'pending' | undefined>;
  /** The state of the user's membership of the organisation, or undefined when none. */
  orgMembership(login: string): Promise<'active' | 'pending' | undefined>;
  /** The account with this numeric id (logins can be renamed; ids cannot), or undefined. */
  userById(id: number): Promise<GitHubUserRecord | undefined>;
  /** The account with this login, or undefined. */
  userByLogin(login: string): Promise<GitHubUserRecord | undefined>;
  /** Every SAML identity linked to a member; undefined when the organisation has no SAML SSO. */
  samlIdentities(): Promise<SamlIdentityRecord[] | undefined>;
  /**
   * Which of these logins are suspended. Only GitHub Enterprise Server suspends accounts (its GraphQL
   * `User.suspendedAt`); on github.com the answer is always none, and the field does not exist there.
   */
  suspendedLogins(logins: string[]): Promise<Set<string>>;
  withBudget<T>(operation: () => Promise<T>): Promise<T>;
}

/** Options for {@link createGitHubApi}. */
export interface GitHubApiOptions {
  log: Logger;
  maxRateLimitWaitSeconds: number;
  requestTimeoutMs: number;
}

const PER_PAGE = 100;
/** Logins asked about in one GraphQL query when checking suspensions. */
const SUSPENSION_BATCH = 100;
/** Retries of one request after rate limits, whatever the budget, so a server cannot loop us. */
const MAX_ATTEMPTS = 6;
/** GitHub's docs: without retry-after or a reset, wait at least a minute before retrying a secondary limit. */
const SECONDARY_DEFAULT_MS = 60_000;

const SAML_QUERY = `query($org: String!, $cursor: String) {
  organization(login: $org) {
    samlIdentityProvider {
      externalIdentities(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        edges { node { samlIdentity { nameId emails { value primary } } user { login databaseId } } }
      }
    }
  }
}`;

interface SamlPage {
  organization: {
    samlIdentityProvider: {
      externalIdentities: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: { node: { samlIdentity: { nameId: string | null; emails: { value: string; primary: boolean | null }[] | null } | null; user: { login: string; databaseId: number } | null } }[];
      };
    } | null;
  } | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The identity's email: the one marked primary, else the NameID when it is an email, else its only email. */
function samlEmail(identity: { nameId: string | null; emails: { value: string; primary: boolean | null }[] | null }): string | undefined {
  const emails = identity.emails ?? [];
  const primary = emails.find((e) => e.primary && EMAIL.test(e.value));
  if (primary) return primary.value;
  if (identity.nameId && EMAIL.test(identity.nameId)) return identity.nameId;
  return emails.length === 1 && EMAIL.test(emails[0]!.value) ? emails[0]!.value : undefined;
}

function parseUser(data: { id: number; login: string; name?: string | null; suspended_at?: string | null }): GitHubUserRecord {
  return { id: data.id, login: data.login, ...(data.name ? { name: data.name } : {}), suspended: Boolean(data.suspended_at) };
}

/** How long GitHub asks us to wait after a rate-limit answer, from its headers (see its REST docs). */
function rateLimitDelayMs(err: unknown): number {
  const headers = (err as { response?: { headers?: Record<string, string | undefined> } }).response?.headers ?? {};
  const after = retryAfterMs(headers['retry-after']);
  if (after !== undefined) return after + 100;
  if (headers['x-ratelimit-remaining'] === '0' && /^\d+$/.test(headers['x-ratelimit-reset'] ?? '')) {
    const serverNow = Date.parse(headers.date ?? '');
    const now = Number.isNaN(serverNow) ? Date.now() : serverNow;
    return Math.max(Number(headers['x-ratelimit-reset']) * 1000 - now, 0) + 500;
  }
  return SECONDARY_DEFAULT_MS;
}

/** Loads Octokit and builds the API for these settings. */
export async function createGitHubApi(settings: GitHubSettings, options: GitHubApiOptions): Promise<GitHubApi> {
  const { Octokit } = await import('@octokit/rest');
  const maxWaitMs = options.maxRateLimitWaitSeconds * 1000;
  // A bound on every answer: Octokit drops a per-request signal, so the timeout lives in the fetch it uses.
  const request = { fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(options.requestTimeoutMs) }) };
  const quiet = { debug: () => {}, info: () => {}, warn: (m: string) => options.log.warn(m), error: (m: string) => options.log.error(m) };
  let octokit: Octokit;
  const credential = settings.credential;
  if (credential.kind === 'token') {
    octokit = new Octokit({ auth: credential.token, baseUrl: settings.apiUrl, log: quiet, request });
  } else {
    const { createAppAuth } = await import('@octokit/auth-app');
    let installationId = credential.installationId;
    if (installationId === undefined) {
      // Found once per run with the App's own JWT: GET /orgs/{org}/installation.
      const asApp = new Octokit({ authStrategy: createAppAuth, auth: { appId: credential.appId, privateKey: credential.privateKey }, baseUrl: settings.apiUrl, log: quiet, request });
      harden(asApp, false);
      try {
        installationId = (await asApp.rest.apps.getOrgInstallation({ org: settings.organization })).data.id;
      } catch (err) {
        if (gitHubStatus(err) === 404) {
          throw new UpstreamError(
            'github.unauthorized',
            `The GitHub App GITHUB_APP_ID is not installed on ${settings.organization}: install it there, or set GITHUB_APP_INSTALLATION_ID.`,
            { cause: err },
          );
        }
        throw mapGitHubError(err, settings, 'finding the App\'s installation', options.maxRateLimitWaitSeconds);
      }
    }
    octokit = new Octokit({ authStrategy: createAppAuth, auth: { appId: credential.appId, privateKey: credential.privateKey, installationId }, baseUrl: settings.apiUrl, log: quiet, request });
  }
  harden(octokit, credential.kind === 'app');

  function harden(client: Octokit, refreshOn401: boolean): void {
    client.hook.wrap('request', async (request, requestOptions) => {
      let refreshed = false;
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await request(requestOptions);
        } catch (err) {
          if (refreshOn401 && !refreshed && gitHubStatus(err) === 401 && !String(requestOptions.url).includes('/app/installations/')) {
            // An installation token can be revoked or expire while this process holds it: ask for a new one once.
            refreshed = true;
            await client.auth({ type: 'installation', refresh: true });
            continue;
          }
          if (!isRateLimit(err) || attempt >= MAX_ATTEMPTS) throw err;
          const delay = rateLimitDelayMs(err);
          if (!spendWait(delay, maxWaitMs)) throw err;
          options.log.warn('GitHub rate limit reached; waiting before retrying', { url: String(requestOptions.url), waitMs: delay });
          await sleep(delay);
        }
      }
    });
  }

  async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw mapGitHubError(err, settings, action, options.maxRateLimitWaitSeconds);
    }
  }

  async function orNotFound<T>(run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (err) {
      if (gitHubStatus(err) === 404) return undefined;
      throw err;
    }
  }

  const org = settings.organization;
  return {
    teamId: (slug) => call(`looking up team ${org}/${slug}`, () => orNotFound(async () => (await octokit.rest.teams.getByName({ org, team_slug: slug })).data.id)),
    teamMembers: (slug) =>
      call(`listing the members of team ${org}/${slug}`, () =>
        orNotFound(async () => {
          const members = await octokit.paginate(octokit.rest.teams.listMembersInOrg, { org, team_slug: slug, per_page: PER_PAGE });
          return members.flatMap((m) => (m ? [{ login: m.login, id: m.id }] : []));
        }),
      ),
    teamMembership: (slug, login) =>
      call(`checking ${login}'s membership of team ${org}/${slug}`, () =>
        orNotFound(async () => (await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login })).data.state),
      ),
    orgMembership: (login) =>
      call(`checking ${login}'s membership of ${org}`, () => orNotFound(async () => (await octokit.rest.orgs.getMembershipForUser({ org, username: login })).data.state as 'active' | 'pending')),
    userById: (id) =>
      call(`looking up GitHub account ${id}`, () => orNotFound(async () => parseUser((await octokit.request('GET /user/{account_id}', { account_id: id })).data as never))),
    userByLogin: (login) =>
      call(`looking up GitHub account ${login}`, () => orNotFound(async () => parseUser((await octokit.rest.users.getByUsername({ username: login })).data as never))),
    samlIdentities: () =>
      call(`reading the SAML identities of ${org}`, async () => {
        const identities: SamlIdentityRecord[] = [];
        let cursor: string | null = null;
        for (;;) {
          const page: SamlPage = await octokit.graphql<SamlPage>(SAML_QUERY, { org, cursor });
          const provider = page.organization?.samlIdentityProvider;
          if (!provider) return undefined;
          for (const { node } of provider.externalIdentities.edges) {
            const email = node.samlIdentity ? samlEmail(node.samlIdentity) : undefined;
            if (node.user && email) identities.push({ login: node.user.login, id: node.user.databaseId, email });
          }
          if (!provider.externalIdentities.pageInfo.hasNextPage) return identities;
          cursor = provider.externalIdentities.pageInfo.endCursor;
        }
      }),
    suspendedLogins: (logins) =>
      call(`checking which members of ${org} are suspended`, async () => {
        const suspended = new Set<string>();
        if (new URL(settings.apiUrl).hostname === 'api.github.com') return suspended;
        for (let start = 0; start < logins.length; start += SUSPENSION_BATCH) {
          const batch = logins.slice(start, start + SUSPENSION_BATCH);
          // One query per batch, one aliased field per login: 20 queries for 2,000 members, not 2,000 requests.
          const query = `query { ${batch.map((login, i) => `u${i}: user(login: ${JSON.stringify(login)}) { login suspendedAt }`).join(' ')} }`;
          const data = await octokit.graphql<Record<string, { login: string; suspendedAt: string | null } | null>>(query);
          for (const user of Object.values(data)) if (user?.suspendedAt) suspended.add(user.login.toLowerCase());
        }
        return suspended;
      }),
    withBudget: (operation) => withWaitBudget(maxWaitMs, operation),
  };
}
