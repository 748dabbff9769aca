/**
 * Turns what the Google clients throw (GaxiosError with the Directory API's or the token endpoint's error
 * body, network failures) into the package's UpstreamError, naming the setting to check and never the key.
 */
import { isJitError, UpstreamError } from '../../core/errors.js';
import { GOOGLE_SCOPES, type GoogleSettings } from './google-settings.js';

/** The fields of a GaxiosError this module reads. */
interface GaxiosShape {
  message?: string;
  code?: string | number;
  status?: number;
  response?: { status?: number; headers?: unknown; data?: unknown };
  config?: { url?: string | URL };
}

/** The HTTP status when Google answered; undefined for a failure to reach it. */
export function googleStatus(err: unknown): number | undefined {
  const status = (err as GaxiosShape | undefined)?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The Directory API's error reasons (`errors[].reason`), or the token endpoint's `error`. */
export function googleReasons(err: unknown): string[] {
  const data = (err as GaxiosShape | undefined)?.response?.data as { error?: unknown } | undefined;
  if (typeof data?.error === 'string') return [data.error];
  const inner = data?.error as { errors?: { reason?: string }[]; status?: string } | undefined;
  return [...(inner?.errors ?? []).map((e) => e.reason ?? ''), inner?.status ?? ''].filter(Boolean);
}

/** Whether Google's answer says to slow down (its docs: 429, or 403 with a rate-limit reason). */
export function isGoogleRateLimit(err: unknown): boolean {
  const status = googleStatus(err);
  if (status === 429) return true;
  return status === 403 && googleReasons(err).some((r) => /rateLimitExceeded|quotaExceeded|RESOURCE_EXHAUSTED/.test(r));
}

function summary(err: GaxiosShape): string {
  const data = err.response?.data as { error?: unknown; error_description?: unknown } | undefined;
  if (typeof data?.error === 'string') return `${data.error}${typeof data.error_description === 'string' ? `: ${data.error_description}` : ''}`;
  const message = (data?.error as { message?: string } | undefined)?.message ?? err.message ?? '';
  return message.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Maps a failure during `action` to an UpstreamError. */
export function mapGoogleError(err: unknown, settings: GoogleSettings, action: string, maxWaitSeconds: number): Error {
  if (isJitError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as GaxiosShape;
  const status = googleStatus(err);
  const url = String(e.config?.url ?? '');
  const detail = { action, status, reasons: googleReasons(err) };
  if (isGoogleRateLimit(err)) {
    return new UpstreamError('google.rate_limited', `Google is rate-limiting the Directory API (HTTP ${status}) while ${action}, for longer than the ${maxWaitSeconds} s this package waits (directory.max_rate_limit_wait). Try again in a minute.`, { cause: err, detail });
  }
  const tokenCall = /\/token(\?|$)/.test(url) || googleReasons(err).some((r) => /invalid_grant|unauthorized_client|invalid_client/.test(r));
  if (status === 401 || (tokenCall && status !== undefined && status < 500)) {
    return new UpstreamError(
      'google.unauthorized',
      `Google refused the service account (${summary(e)}) while ${action}: check GOOGLE_SERVICE_ACCOUNT_KEY (a deleted or expired key), that directory.admin_email is an active admin, and that domain-wide delegation grants the client id ${GOOGLE_SCOPES.join(' and ')}.`,
      { cause: err, detail },
    );
  }
  if (status === 403) {
    return new UpstreamError('google.forbidden', `Google refused access (${summary(e)}) while ${action}: directory.admin_email must be an admin who may read users and groups, and delegation must grant ${GOOGLE_SCOPES.join(' and ')}.`, { cause: err, detail });
  }
  if (status === undefined) {
    return new UpstreamError('google.unreachable', `Could not reach Google at ${settings.rootUrl} (${String(e.code ?? e.message ?? 'network error')}) while ${action}: check GOOGLE_API_URL, GOOGLE_TOKEN_URL and the network.`, { cause: err, detail });
  }
  return new UpstreamError('google.error', `Google answered HTTP ${status} (${summary(e)}) while ${action}. Try again later.`, { cause: err, detail });
}
