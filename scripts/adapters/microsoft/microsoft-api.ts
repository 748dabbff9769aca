/**
 * The Microsoft Graph reads the Entra directory needs, on `@microsoft/microsoft-graph-client` with
 * `@azure/identity`'s client-credentials credential (both loaded lazily). Pages are followed by
 * `@odata.nextLink`; 429s are waited out by the client's retry handler for `Retry-After`, within the
 * operation's budget. Responses are parsed here into plain records.
 */
import type { Logger } from '../../core/ports.js';
import { retryAfterMs, spendWait, withWaitBudget } from '../directory/wait-budget.js';
import { graphStatus, mapMicrosoftError } from './microsoft-errors.js';
import type { MicrosoftSettings } from './microsoft-settings.js';
import { asciiLower } from '../../core/identity.js';

/** An Entra user as the directory uses it. */
export interface EntraUserRecord {
  id: string;
  mail?: string;
  accountEnabled: boolean;
  displayName?: string;
  userPrincipalName?: string;
}

/** The Graph reads behind the directory. Every method throws UpstreamError on failure. */
export interface GraphApi {
  /** The group with this object id, or undefined. */
  groupById(id: string): Promise<{ id: string; displayName: string } | undefined>;
  /** Groups whose display name equals `name` (Graph compares without case; callers pick the exact one). */
  groupsNamed(name: string): Promise<{ id: string; displayName: string }[]>;
  /** Every user in the group, nested groups included, across pages; undefined when the group is gone. */
  transitiveUsers(groupId: string): Promise<EntraUserRecord[] | undefined>;
  /** Users whose `mail` (primary email) is `email`. */
  usersByMail(email: string): Promise<EntraUserRecord[]>;
  /** Whether the user is in the group, directly or through nested groups. */
  isInGroup(userId: string, groupId: string): Promise<boolean>;
  withBudget<T>(operation: () => Promise<T>): Promise<T>;
}

/** Options for {@link createGraphApi}. */
export interface GraphApiOptions {
  log: Logger;
  maxRateLimitWaitSeconds: number;
  requestTimeoutMs: number;
}

const USER_FIELDS = 'id,mail,accountEnabled,displayName,userPrincipalName';
/** Graph's maximum page size for directory objects. */
const PAGE = 999;
const MAX_RETRIES = 5;

function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function parseUser(raw: Record<string, unknown>): EntraUserRecord {
  return {
    id: String(raw.id),
    ...(typeof raw.mail === 'string' && raw.mail ? { mail: asciiLower(raw.mail) } : {}),
    accountEnabled: raw.accountEnabled === true,
    ...(typeof raw.displayName === 'string' ? { displayName: raw.displayName } : {}),
    ...(typeof raw.userPrincipalName === 'string' ? { userPrincipalName: raw.userPrincipalName } : {}),
  };
}

/** Loads the SDKs and builds the API for these settings. */
export async function createGraphApi(settings: MicrosoftSettings, options: GraphApiOptions): Promise<GraphApi> {
  const [{ ClientSecretCredential }, graph] = await Promise.all([import('@azure/identity'), import('@microsoft/microsoft-graph-client')]);
  // disableInstanceDiscovery: MSAL would otherwise ask the public cloud about the authority first.
  const credential = new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret, {
    authorityHost: settings.authorityHost,
    disableInstanceDiscovery: true,
  });
  const scope = `${settings.graphUrl}/.default`;
  const graphHost = new URL(settings.graphUrl).hostname;
  const client = graph.Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => (await credential.getToken(scope)).token },
    baseUrl: settings.graphUrl,
    defaultVersion: 'v1.0',
    // The client sends its token only to hosts it knows; a national cloud or stand-in must be named.
    ...(graphHost !== 'graph.microsoft.com' ? { customHosts: new Set([graphHost]) } : {}),
  });
  const maxWaitMs = options.maxRateLimitWaitSeconds * 1000;
  const retry = () =>
    new graph.RetryHandlerOptions(1, MAX_RETRIES, (_delay, attempt, _request, _options, response) => {
      const wait = retryAfterMs(response.headers.get('Retry-After')) ?? 1000 * 2 ** attempt;
      if (!spendWait(wait, maxWaitMs)) return false;
      options.log.warn('Microsoft Graph throttled the request; waiting before retrying', { status: response.status, waitMs: wait });
      return true;
    });
  const request = (path: string) =>
    client
      .api(path)
      .middlewareOptions([retry()])
      .option('signal', AbortSignal.timeout(options.requestTimeoutMs + maxWaitMs));

  async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw mapMicrosoftError(err, settings, action, options.maxRateLimitWaitSeconds);
    }
  }

  async function pages(first: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let next: string | undefined = first;
    while (next) {
      const page = (await request(next).get()) as { value?: Record<string, unknown>[]; '@odata.nextLink'?: string };
      items.push(...(page.value ?? []));
      next = page['@odata.nextLink'];
    }
    return items;
  }

  return {
    groupById: (id) =>
      call(`looking up Entra group ${id}`, async () => {
        try {
          const raw = (await request(`/groups/${encodeURIComponent(id)}`).select('id,displayName').get()) as { id: string; displayName: string };
          return { id: raw.id, displayName: raw.displayName };
        } catch (err) {
          if (graphStatus(err) === 404) return undefined;
          throw err;
        }
      }),
    groupsNamed: (name) =>
      call(`looking up the Entra group named ${name}`, async () =>
        (await pages(`/groups?$filter=${encodeURIComponent(`displayName eq ${odataString(name)}`)}&$select=id,displayName&$top=${PAGE}`)).map((g) => ({ id: String(g.id), displayName: String(g.displayName) })),
      ),
    transitiveUsers: (groupId) =>
      call(`listing the members of Entra group ${groupId}`, async () => {
        try {
          return (await pages(`/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=${USER_FIELDS}&$top=${PAGE}`)).map(parseUser);
        } catch (err) {
          if (graphStatus(err) === 404) return undefined;
          throw err;
        }
      }),
    usersByMail: (email) =>
      call(`looking up the Entra user ${email}`, async () =>
        (await pages(`/users?$filter=${encodeURIComponent(`mail eq ${odataString(email)}`)}&$select=${USER_FIELDS}`)).map(parseUser),
      ),
    isInGroup: (userId, groupId) =>
      call(`checking Entra user ${userId}'s membership of group ${groupId}`, async () => {
        try {
          const result = (await request(`/users/${encodeURIComponent(userId)}/checkMemberGroups`).post({ groupIds: [groupId] })) as { value?: string[] };
          return (result.value ?? []).includes(groupId);
        } catch (err) {
          if (graphStatus(err) === 404) return false;
          throw err;
        }
      }),
    withBudget: (operation) => withWaitBudget(maxWaitMs, operation),
  };
}
