/**
 * The few Okta Management API reads the directory needs, on `@okta/okta-sdk-nodejs` (loaded lazily).
 * Responses are parsed here into plain records; SDK types and errors never leave this module. The SDK's
 * response cache is switched off: it keeps single-resource GETs forever, and membership checks must see
 * today's Okta.
 */
import type * as OktaSdk from '@okta/okta-sdk-nodejs';
import { UpstreamError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import { mapOktaError, oktaStatus } from './okta-errors.js';
import { createRateLimitedExecutor, withRateLimitBudget } from './okta-rate-limit.js';
import { OKTA_SCOPES, type OktaSettings } from './okta-settings.js';

/** An Okta user, as the directory uses it. */
export interface OktaUserRecord {
  id: string;
  status: string;
  login: string;
  email: string;
  displayName?: string;
}

/** An Okta group, as the directory uses it. */
export interface OktaGroupRecord {
  id: string;
  name: string;
  type: string;
}

/** The Okta reads behind {@link OktaDirectory}. Every method throws UpstreamError on failure. */
export interface OktaApi {
  /** Groups whose name equals `name` (Okta compares without case; callers pick the exact one). */
  groupsNamed(name: string): Promise<OktaGroupRecord[]>;
  /** Every member of the group, across all pages; undefined when the group no longer exists. */
  groupMembers(group: OktaGroupRecord): Promise<OktaUserRecord[] | undefined>;
  /** Users whose primary email is `email`, any status. */
  usersByEmail(email: string): Promise<OktaUserRecord[]>;
  /** The groups a user is in. */
  groupsOfUser(userId: string): Promise<OktaGroupRecord[]>;
  /** Runs a directory operation under one rate-limit wait budget. */
  withBudget<T>(operation: () => Promise<T>): Promise<T>;
}

/** Options for {@link createOktaApi}. */
export interface OktaApiOptions {
  log: Logger;
  /** Longest total wait for rate limits within one directory operation. */
  maxRateLimitWaitSeconds: number;
  /** Longest wait for one HTTP answer. */
  requestTimeoutMs: number;
}

/** Okta caps user pages at 200; asking for the cap keeps the number of requests down. */
const PAGE_LIMIT = 200;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function parseUser(raw: unknown): OktaUserRecord {
  const user = (raw ?? {}) as { id?: unknown; status?: unknown; profile?: Record<string, unknown> };
  const id = str(user.id);
  const status = str(user.status);
  const login = str(user.profile?.login);
  if (!id || !status || !login) throw new UpstreamError('okta.bad_response', 'Okta returned a user without an id, status or login.');
  const fullName = [str(user.profile?.firstName), str(user.profile?.lastName)].filter(Boolean).join(' ');
  const displayName = str(user.profile?.displayName) ?? (fullName || undefined);
  // No fallback to the login: a person is their primary email, and a user without one matches no address.
  return { id, status, login, email: str(user.profile?.email) ?? '', ...(displayName ? { displayName } : {}) };
}

function parseGroup(raw: unknown): OktaGroupRecord {
  const group = (raw ?? {}) as { id?: unknown; type?: unknown; profile?: Record<string, unknown> };
  const id = str(group.id);
  const name = str(group.profile?.name);
  if (!id || !name) throw new UpstreamError('okta.bad_response', 'Okta returned a group without an id or name.');
  return { id, name, type: str(group.type) ?? 'OKTA_GROUP' };
}

/** Quotes a value for an Okta filter or search expression. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

async function collect<T>(collection: AsyncIterable<unknown>, parse: (raw: unknown) => T): Promise<T[]> {
  const items: T[] = [];
  for await (const raw of collection) if (raw) items.push(parse(raw));
  return items;
}

/** Loads the SDK and builds the API for these settings. */
export async function createOktaApi(settings: OktaSettings, options: OktaApiOptions): Promise<OktaApi> {
  const imported = (await import('@okta/okta-sdk-nodejs')) as typeof OktaSdk & { default?: typeof OktaSdk };
  const sdk = imported.default ?? imported;
  const requestExecutor = createRateLimitedExecutor(sdk, {
    maxWaitMs: options.maxRateLimitWaitSeconds * 1000,
    requestTimeoutMs: options.requestTimeoutMs,
    log: options.log,
  });
  const common = { orgUrl: settings.orgUrl, requestExecutor, cacheMiddleware: null };
  const credential = settings.credential;
  const client =
    credential.kind === 'api_token'
      ? new sdk.Client({ ...common, authorizationMode: 'SSWS', token: credential.token })
      : new sdk.Client({
          ...common,
          authorizationMode: 'PrivateKey',
          clientId: credential.clientId,
          scopes: [...OKTA_SCOPES],
          privateKey: credential.privateKey,
          ...(credential.keyId ? { keyId: credential.keyId } : {}),
        });

  async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw mapOktaError(err, settings, action, options.maxRateLimitWaitSeconds);
    }
  }

  return {
    groupsNamed: (name) =>
      call(`looking up the group ${name}`, async () =>
        collect(await client.groupApi.listGroups({ search: `profile.name eq ${quote(name)}`, limit: PAGE_LIMIT }), parseGroup),
      ),
    groupMembers: (group) =>
      call(`listing the members of group ${group.name}`, async () => {
        try {
          return await collect(await client.groupApi.listGroupUsers({ groupId: group.id, limit: PAGE_LIMIT }), parseUser);
        } catch (err) {
          if (oktaStatus(err) === 404) return undefined;
          throw err;
        }
      }),
    usersByEmail: (email) =>
      call(`looking up users with email ${email}`, async () =>
        collect(await client.userApi.listUsers({ filter: `profile.email eq ${quote(email)}`, limit: PAGE_LIMIT }), parseUser),
      ),
    groupsOfUser: (userId) =>
      call(`listing the groups of user ${userId}`, async () => collect(await client.userApi.listUserGroups({ userId }), parseGroup)),
    withBudget: (operation) => withRateLimitBudget(options.maxRateLimitWaitSeconds * 1000, operation),
  };
}
