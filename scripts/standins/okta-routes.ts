/**
 * The read endpoints of Okta's Management API that the directory adapter uses, answered from
 * {@link OktaState}: groups (by `q`, `search`, id, members) and users (by id or login, `search`, `filter`,
 * `q`, a user's groups), with `Link` pagination that honours `limit` and Okta's error shapes.
 */
import { matchesOktaExpression, OktaExpressionError, parseOktaExpression, readAttribute } from './okta-filter.js';
import { renderGroup, renderUser, type OktaState } from './okta-state.js';

/** What a route answers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string | string[]>;
}

/** One API call, as the server hands it to the routes. */
export interface RouteRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  orgUrl: string;
  state: OktaState;
  /** Most users a page may hold (Okta: 200 for users and group members). */
  pageLimitMax: number;
}

/** The scope an access token needs for a path, as Okta's OAuth scopes for the Management API. */
export function requiredScope(path: string): string | undefined {
  if (path.startsWith('/api/v1/users')) return 'okta.users.read';
  if (path.startsWith('/api/v1/groups')) return 'okta.groups.read';
  return undefined;
}

/** Builds one of Okta's error replies. */
export function oktaError(status: number, errorCode: string, errorSummary: string, causes: string[] = []): Reply {
  const errorId = `oae${Math.random().toString(36).slice(2, 12)}${Math.random().toString(36).slice(2, 14)}`;
  return {
    status,
    body: { errorCode, errorSummary, errorLink: errorCode, errorId, errorCauses: causes.map((c) => ({ errorSummary: c })) },
  };
}

function notFound(what: string, kind: string): Reply {
  return oktaError(404, 'E0000007', `Not found: Resource not found: ${what} (${kind})`);
}

/** Parses `limit`: a positive integer, clamped to the maximum as Okta does; undefined → the default. */
function pageLimit(query: URLSearchParams, fallback: number, max: number): number | Reply {
  const raw = query.get('limit');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    return oktaError(400, 'E0000001', 'Api validation failed: limit', ['limit: must be a positive integer']);
  }
  return Math.min(value, max);
}

/** One page of id-ordered items after the cursor, with Okta's `self` and `next` links. */
function paged<T extends { id: string }>(req: RouteRequest, items: T[], limit: number, render: (item: T) => unknown): Reply {
  const after = req.query.get('after');
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // The cursor is the last id returned; starting after it survives removals between pages.
  const rest = after ? sorted.filter((item) => item.id > after) : sorted;
  const page = rest.slice(0, limit);
  const self = new URL(`${req.orgUrl}${req.path}`);
  req.query.forEach((value, key) => self.searchParams.set(key, value));
  const links = [`<${self.href}>; rel="self"`];
  const last = page[page.length - 1];
  if (rest.length > limit && last) {
    const next = new URL(self.href);
    next.searchParams.set('after', last.id);
    next.searchParams.set('limit', String(limit));
    links.push(`<${next.href}>; rel="next"`);
  }
  return { status: 200, body: page.map(render), headers: { Link: links } };
}

function expression(raw: string, code: 'search' | 'filter'): ReturnType<typeof parseOktaExpression> | Reply {
  try {
    return parseOktaExpression(raw);
  } catch (err) {
    if (!(err instanceof OktaExpressionError)) throw err;
    return code === 'search'
      ? oktaError(400, 'E0000031', 'Invalid search criteria.', [err.message])
      : oktaError(400, 'E0000030', 'Bad request. Invalid filter parameter.', [err.message]);
  }
}

function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
}

function listGroups(req: RouteRequest): Reply {
  const groups = [...req.state.groups.values()];
  const q = req.query.get('q');
  const search = req.query.get('search') ?? req.query.get('filter');
  const limit = pageLimit(req.query, q ? 300 : 10_000, 10_000);
  if (isReply(limit)) return limit;
  let matching = groups;
  if (q !== null) {
    // `q` is a case-insensitive prefix match on the name; Okta does not page a query.
    const prefix = q.toLowerCase();
    const hits = groups.filter((g) => g.profile.name.toLowerCase().startsWith(prefix)).slice(0, limit);
    return { status: 200, body: hits.map((g) => renderGroup(g, req.orgUrl)) };
  }
  if (search !== null) {
    const parsed = expression(search, req.query.has('search') ? 'search' : 'filter');
    if (isReply(parsed)) return parsed;
    matching = groups.filter((g) => matchesOktaExpression(parsed, (a) => readAttribute({ ...g, members: undefined }, a)));
  }
  return paged(req, matching, limit, (g) => renderGroup(g, req.orgUrl));
}

function listUsers(req: RouteRequest): Reply {
  const limit = pageLimit(req.query, req.pageLimitMax, req.pageLimitMax);
  if (isReply(limit)) return limit;
  const users = [...req.state.users.values()];
  const search = req.query.get('search');
  const filter = req.query.get('filter');
  const q = req.query.get('q');
  let matching: typeof users;
  if (search !== null || filter !== null) {
    const parsed = expression((search ?? filter) as string, search !== null ? 'search' : 'filter');
    if (isReply(parsed)) return parsed;
    matching = users.filter((u) => matchesOktaExpression(parsed, (a) => readAttribute({ ...u }, a)));
  } else {
    // Without search or filter, Okta leaves DEPROVISIONED users out.
    const prefix = q?.toLowerCase();
    matching = users.filter(
      (u) =>
        u.status !== 'DEPROVISIONED' &&
        (prefix === undefined ||
          [u.profile.firstName, u.profile.lastName, u.profile.email].some((v) => v?.toLowerCase().startsWith(prefix))),
    );
  }
  return paged(req, matching, limit, (u) => renderUser(u, req.orgUrl));
}

/** Answers one Management API read, or a 404 / 405 in Okta's shape. */
export function routeApi(req: RouteRequest): Reply {
  const parts = req.path.split('/').slice(1).map(decodeURIComponent);
  if (parts[0] !== 'api' || parts[1] !== 'v1' || (parts[2] !== 'users' && parts[2] !== 'groups') || parts.length > 5) {
    return notFound(req.path, 'Path');
  }
  if (req.method !== 'GET') return oktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
  const [, , collection, id, sub] = parts;
  if (collection === 'groups') {
    if (id === undefined) return listGroups(req);
    const group = req.state.groups.get(id);
    if (!group) return notFound(id, 'UserGroup');
    if (sub === undefined) return { status: 200, body: renderGroup(group, req.orgUrl) };
    if (sub !== 'users') return notFound(req.path, 'Path');
    const limit = pageLimit(req.query, req.pageLimitMax, req.pageLimitMax);
    if (isReply(limit)) return limit;
    const members = [...group.members].flatMap((userId) => req.state.users.get(userId) ?? []);
    return paged(req, members, limit, (u) => renderUser(u, req.orgUrl));
  }
  if (id === undefined) return listUsers(req);
  const user = req.state.userByIdOrLogin(id);
  if (!user) return notFound(id, 'User');
  if (sub === undefined) return { status: 200, body: renderUser(user, req.orgUrl) };
  if (sub !== 'groups') return notFound(req.path, 'Path');
  return { status: 200, body: req.state.groupsOfUser(user.id).map((g) => renderGroup(g, req.orgUrl)) };
}
