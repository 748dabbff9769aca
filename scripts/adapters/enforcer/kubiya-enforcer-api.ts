/**
 * Reads the Kubiya Enforcer's request API (`GET /requests/describe/{id}`, `GET /requests/list`) and maps
 * its answers to plain domain shapes, so nothing else in the package parses the Enforcer's JSON.
 * The describe shape is documented in KUBIYA.md §4; the list shape is not public and is inferred (an array
 * of describe-shaped entries carrying an `id`, bare or under `requests`).
 */
import { UpstreamError } from '../../core/errors.js';
import type { Json } from '../../core/types.js';
import { enforcerHttpError, safeOrigin, sendToEnforcer, type EnforcerEndpoint } from './enforcer-http.js';

/** A tool run the Enforcer denied, as the Enforcer describes it. */
export interface EnforcerRequestDetails {
  toolName: string;
  parameters: Record<string, Json>;
  userEmail: string;
}

/** One entry of the Enforcer's request list. */
export interface EnforcerRequestSummary extends EnforcerRequestDetails {
  id: string;
  /** The Enforcer's status for it, when it gives one. */
  status?: string;
}

/** Builds the endpoint description for a Kubiya Enforcer URL (no auth: the API is in-cluster). */
export function kubiyaEndpoint(url: string, timeoutMs = 10_000): EnforcerEndpoint {
  return { label: 'Kubiya Enforcer', baseUrl: url.replace(/\/+$/, ''), timeoutMs };
}

/**
 * Fetches what the Enforcer recorded about a denied request: which tool, which parameters, which person.
 * Throws `enforcer.request_not_found` for an unknown id and `enforcer.bad_response` for an unexpected shape.
 */
export async function describeEnforcerRequest(url: string, id: string): Promise<EnforcerRequestDetails> {
  const endpoint = kubiyaEndpoint(url);
  const path = `/requests/describe/${encodeURIComponent(id)}`;
  const res = await sendToEnforcer(endpoint, 'GET', path);
  if (res.status === 404) {
    throw new UpstreamError(
      'enforcer.request_not_found',
      `The Kubiya Enforcer has no request "${id.slice(0, 100)}". Use the request id from the "Access denied. Request ID: …" message.`,
      { detail: { path } },
    );
  }
  if (res.status < 200 || res.status > 299) throw enforcerHttpError(endpoint, 'GET', path, res);
  const body = parseJson(res.text, endpoint, path);
  const details = readRequest(isObject(body) ? body.request : undefined);
  if (!details) throw badShape(endpoint, path, 'an object {request: {tool: {name, parameters}, user: {email}}}');
  return details;
}

/** Lists the requests the Enforcer knows. Entries it cannot read make the whole answer a `bad_response`. */
export async function listEnforcerRequests(url: string): Promise<EnforcerRequestSummary[]> {
  const endpoint = kubiyaEndpoint(url);
  const path = '/requests/list';
  const res = await sendToEnforcer(endpoint, 'GET', path);
  if (res.status < 200 || res.status > 299) throw enforcerHttpError(endpoint, 'GET', path, res);
  const body = parseJson(res.text, endpoint, path);
  const entries = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.requests) ? body.requests : undefined;
  if (!entries) throw badShape(endpoint, path, 'an array of requests (or {requests: [...]})');
  return entries.map((entry: unknown) => {
    const id = isObject(entry) ? entry.id : undefined;
    const details = isObject(entry) ? readRequest(entry.request) : undefined;
    if (typeof id !== 'string' || id === '' || !details) throw badShape(endpoint, path, 'entries {id, request: {tool, user}}');
    const status = isObject(entry) && typeof entry.status === 'string' ? entry.status : undefined;
    return status === undefined ? { id, ...details } : { id, status, ...details };
  });
}

function readRequest(request: unknown): EnforcerRequestDetails | undefined {
  if (!isObject(request) || !isObject(request.tool) || !isObject(request.user)) return undefined;
  const { name, parameters = {} } = request.tool;
  const { email } = request.user;
  if (typeof name !== 'string' || name === '' || typeof email !== 'string' || email === '' || !isObject(parameters)) return undefined;
  return { toolName: name, parameters: parameters as Record<string, Json>, userEmail: email };
}

function parseJson(text: string, endpoint: EnforcerEndpoint, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UpstreamError('enforcer.bad_response', `The Kubiya Enforcer at ${safeOrigin(endpoint.baseUrl)} answered ${path} with something that is not JSON.`, {
      cause: err,
      detail: { path },
    });
  }
}

function badShape(endpoint: EnforcerEndpoint, path: string, expected: string): UpstreamError {
  return new UpstreamError(
    'enforcer.bad_response',
    `The Kubiya Enforcer at ${safeOrigin(endpoint.baseUrl)} answered ${path} in an unexpected shape (expected ${expected}). Check that enforcer.url points at the Enforcer's API.`,
    { detail: { path } },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
