/**
 * The Directory API reads the Google directory needs, on `@googleapis/admin` with a service account of
 * `google-auth-library` acting as a Workspace admin (domain-wide delegation); both loaded lazily. The
 * library's own retries are off (they ignore `Retry-After`); rate limits are waited out here within the
 * operation's budget, by `Retry-After` or else by exponential backoff as Google's docs ask.
 */
import type { Logger } from '../../core/ports.js';
import { retryAfterMs, sleep, spendWait, withWaitBudget } from '../directory/wait-budget.js';
import { googleStatus, isGoogleRateLimit, mapGoogleError } from './google-errors.js';
import { GOOGLE_SCOPES, GOOGLE_TOKEN_URL, type GoogleSettings } from './google-settings.js';
import { asciiLower } from '../../core/identity.js';

/** A group member as the Directory API lists it. */
export interface GoogleMemberRecord {
  id: string;
  email: string;
  type: string;
  status: string;
}

/** A Workspace user as the directory uses it. */
export interface GoogleUserRecord {
  id: string;
  primaryEmail: string;
  suspended: boolean;
  archived: boolean;
  name?: string;
}

/** The reads behind the Google directory. Every method throws UpstreamError on failure. */
export interface GoogleApi {
  /** The group's id and primary email, or undefined when there is no such group. */
  group(key: string): Promise<{ id: string; email: string } | undefined>;
  /** Every direct member of the group across pages; undefined when the group is gone. */
  members(groupKey: string): Promise<GoogleMemberRecord[] | undefined>;
  /** Whether the user is a member, directly or through nested groups. */
  hasMember(groupKey: string, memberKey: string): Promise<boolean>;
  /** The user this key (email, alias or id) names, or undefined. */
  user(key: string): Promise<GoogleUserRecord | undefined>;
  /** The ids of users matching a search (`isSuspended=true`, `isArchived=true`), across pages. */
  userIds(query: string): Promise<string[]>;
  withBudget<T>(operation: () => Promise<T>): Promise<T>;
}

/** Options for {@link createGoogleApi}. */
export interface GoogleApiOptions {
  log: Logger;
  maxRateLimitWaitSeconds: number;
  requestTimeoutMs: number;
}

/** Members and users pages: the Directory API's maxima. */
const MEMBERS_PAGE = 200;
const USERS_PAGE = 500;
const MAX_ATTEMPTS = 6;

/** Loads the client libraries and builds the API for these settings. */
export async function createGoogleApi(settings: GoogleSettings, options: GoogleApiOptions): Promise<GoogleApi> {
  const [{ JWT }, { admin }] = await Promise.all([import('google-auth-library'), import('@googleapis/admin')]);
  const auth = new JWT({ email: settings.clientEmail, key: settings.privateKey, scopes: [...GOOGLE_SCOPES], subject: settings.subject });
  const tokenUrl = settings.tokenUrl;
  if (tokenUrl) {
    // The library sends token requests to Google's fixed URL; a configured endpoint replaces it on the way out.
    auth.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(tokenUrl);
        return config;
      },
    });
  }
  const directory = admin({ version: 'directory_v1', auth, rootUrl: settings.rootUrl, retry: false, timeout: options.requestTimeoutMs });
  const maxWaitMs = options.maxRateLimitWaitSeconds * 1000;

  async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
    let renewed = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await run();
      } catch (err) {
        if (googleStatus(err) === 401 && !renewed && !/\/token$/.test(String((err as { config?: { url?: unknown } }).config?.url ?? ''))) {
          // The access token this process holds was revoked or expired early: mark it expired so the library signs a new one.
          renewed = true;
          auth.credentials = { ...auth.credentials, expiry_date: 1 };
          continue;
        }
        if (!isGoogleRateLimit(err) || attempt >= MAX_ATTEMPTS) throw mapGoogleError(err, settings, action, options.maxRateLimitWaitSeconds);
        const headers = (err as { response?: { headers?: { get?(n: string): string | null } & Record<string, unknown> } }).response?.headers;
        const header = typeof headers?.get === 'function' ? headers.get('retry-after') : (headers?.['retry-after'] as string | undefined);
        const delay = retryAfterMs(header) ?? 1000 * 2 ** (attempt - 1) + Math.floor(Math.random() * 250);
        if (!spendWait(delay, maxWaitMs)) throw mapGoogleError(err, settings, action, options.maxRateLimitWaitSeconds);
        options.log.warn('Google Directory API rate limit reached; waiting before retrying', { action, waitMs: delay });
        await sleep(delay);
      }
    }
  }

  async function orNotFound<T>(run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (err) {
      if (googleStatus(err) === 404) return undefined;
      throw err;
    }
  }

  return {
    group: (key) =>
      call(`looking up Google group ${key}`, () =>
        orNotFound(async () => {
          const { data } = await directory.groups.get({ groupKey: key });
          return { id: String(data.id), email: asciiLower(String(data.email)) };
        }),
      ),
    members: async (groupKey) => {
      const members: GoogleMemberRecord[] = [];
      let pageToken: string | undefined;
      do {
        const token = pageToken;
        const page = await call(`listing the members of Google group ${groupKey}`, () =>
          orNotFound(async () => (await directory.members.list({ groupKey, maxResults: MEMBERS_PAGE, ...(token ? { pageToken: token } : {}) })).data),
        );
        if (!page) return undefined;
        for (const m of page.members ?? []) {
          if (m.id) members.push({ id: m.id, email: asciiLower(m.email ?? ''), type: m.type ?? 'USER', status: m.status ?? 'UNKNOWN' });
        }
        pageToken = page.nextPageToken ?? undefined;
      } while (pageToken);
      return members;
    },
    hasMember: (groupKey, memberKey) =>
      call(`checking ${memberKey}'s membership of Google group ${groupKey}`, async () => {
        try {
          return (await directory.members.hasMember({ groupKey, memberKey })).data.isMember === true;
        } catch (err) {
          // An unknown member key is "not a member", not a failure.
          if (googleStatus(err) === 404 || googleStatus(err) === 400) return false;
          throw err;
        }
      }),
    user: (key) =>
      call(`looking up Google user ${key}`, () =>
        orNotFound(async () => {
          const { data } = await directory.users.get({ userKey: key, projection: 'basic' });
          return {
            id: String(data.id),
            primaryEmail: asciiLower(String(data.primaryEmail)),
            suspended: data.suspended === true,
            archived: data.archived === true,
            ...(data.name?.fullName ? { name: data.name.fullName } : {}),
          };
        }),
      ),
    userIds: async (query) => {
      const ids: string[] = [];
      let pageToken: string | undefined;
      do {
        const token = pageToken;
        const { data } = await call(`searching Google users (${query})`, () =>
          directory.users.list({ customer: 'my_customer', query, maxResults: USERS_PAGE, projection: 'basic', fields: 'users(id),nextPageToken', ...(token ? { pageToken: token } : {}) }),
        );
        for (const u of data.users ?? []) if (u.id) ids.push(u.id);
        pageToken = data.nextPageToken ?? undefined;
      } while (pageToken);
      return ids;
    },
    withBudget: (operation) => withWaitBudget(maxWaitMs, operation),
  };
}
