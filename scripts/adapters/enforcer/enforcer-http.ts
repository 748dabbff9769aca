/**
 * The one HTTP path both Enforcer adapters share: a `fetch` with a deadline, and the mapping of every
 * failure (unreachable, timed out, non-2xx) to an {@link UpstreamError} that names the setting to fix and
 * never carries a token or a stack trace.
 */
import { UpstreamError } from '../../core/errors.js';

/** Which Enforcer is talking, so messages say "the OPA Enforcer" or "the Kubiya Enforcer". */
export interface EnforcerEndpoint {
  /** Human name: `OPA Enforcer`, `Kubiya Enforcer`. */
  label: string;
  /** Base URL, without a trailing slash. */
  baseUrl: string;
  /** Bearer token to send, if any. Only ever placed in the Authorization header. */
  token?: string;
  /** Milliseconds to wait for an answer before giving up. */
  timeoutMs: number;
}

/** An answer from the Enforcer: status and body text (possibly empty). */
export interface EnforcerResponse {
  status: number;
  text: string;
}

/** Where the URL is configured, for error messages. */
export const URL_SETTING = 'enforcer.url (or ENFORCER_URL)';

/**
 * Sends one request to the Enforcer. Resolves with any HTTP answer (callers decide which statuses are
 * success); rejects with `enforcer.unreachable` when no answer comes.
 */
export async function sendToEnforcer(
  endpoint: EnforcerEndpoint,
  method: string,
  path: string,
  body?: unknown,
): Promise<EnforcerResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (endpoint.token) headers.authorization = `Bearer ${endpoint.token}`;
  let response: Response;
  try {
    response = await fetch(`${endpoint.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
  } catch (err) {
    throw new UpstreamError(
      'enforcer.unreachable',
      `Could not reach the ${endpoint.label} at ${safeOrigin(endpoint.baseUrl)} (${describeNetworkError(err, endpoint.timeoutMs)}). ` +
        `Check ${URL_SETTING} and that the service is running and reachable from the runner.`,
      { cause: err, detail: { method, path } },
    );
  }
  return { status: response.status, text: await response.text() };
}

/**
 * The error for a non-2xx answer: `enforcer.unauthorized` (401/403), `enforcer.server_error` (5xx) or
 * `enforcer.rejected` (other 4xx), naming the URL setting, the status and a summary of the body.
 */
export function enforcerHttpError(endpoint: EnforcerEndpoint, method: string, path: string, res: EnforcerResponse): UpstreamError {
  const summary = summariseErrorBody(res.text, endpoint.token);
  const where = `${endpoint.label} at ${safeOrigin(endpoint.baseUrl)} (${URL_SETTING})`;
  const said = summary ? `: ${summary}` : '';
  const detail = { method, path, status: res.status };
  if (res.status === 401 || res.status === 403) {
    return new UpstreamError(
      'enforcer.unauthorized',
      `The ${where} refused ${method} ${path} with HTTP ${res.status}${said}. Check the token named by enforcer.token_env and the Enforcer's authorization policy.`,
      { detail },
    );
  }
  if (res.status >= 500) {
    return new UpstreamError(
      'enforcer.server_error',
      `The ${where} failed ${method} ${path} with HTTP ${res.status}${said}. The Enforcer is unwell; the operation will be retried.`,
      { detail },
    );
  }
  return new UpstreamError('enforcer.rejected', `The ${where} rejected ${method} ${path} with HTTP ${res.status}${said}.`, { detail });
}

/**
 * A one-line summary of an error body: OPA's `{code, message}`, a `{error}` or `{message}` object, or the
 * start of the text. A token the server might echo back is redacted.
 */
export function summariseErrorBody(text: string, token?: string): string {
  let summary = text.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const o = parsed as Record<string, unknown>;
      const parts = [o.code, o.message ?? o.error].filter((p): p is string => typeof p === 'string' && p.length > 0);
      if (parts.length > 0) summary = parts.join(': ');
    }
  } catch {
    // Not JSON: the raw text, shortened, is the best summary there is.
  }
  if (token) summary = summary.split(token).join('[redacted]');
  summary = summary.replace(/\s+/g, ' ');
  return summary.length > 200 ? `${summary.slice(0, 197)}...` : summary;
}

/** The URL's origin without any user:password part, safe to show. */
export function safeOrigin(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') {
    if (cause.code === 'ECONNREFUSED') return 'connection refused';
    if (cause.code === 'ENOTFOUND' || cause.code === 'EAI_AGAIN') return 'host not found';
    return cause.code;
  }
  // fetch refuses some URLs outright (one with user:password in it, for example) before any connection.
  if (err instanceof TypeError && !cause) return 'the URL cannot be used for a request; put credentials in enforcer.token_env, not the URL';
  return 'network error';
}
