/**
 * Turns what the Okta SDK throws (OktaApiError with Okta's error body, HttpError, node-fetch's FetchError)
 * into the package's UpstreamError with a code and a message that says which setting to check. Messages
 * carry Okta's error code and summary, never the credential.
 */
import { isJitError, UpstreamError } from '../../core/errors.js';
import { rateLimitResetSeconds } from './okta-rate-limit.js';
import { credentialVariables, OKTA_SCOPES, type OktaSettings } from './okta-settings.js';

/** The fields of the SDK's errors this module reads. */
interface SdkErrorShape {
  name?: string;
  status?: number;
  errorCode?: string;
  errorSummary?: string;
  url?: string;
  code?: string;
  type?: string;
  headers?: { get(name: string): string | null };
}

/** The HTTP status of an SDK error, if it has one. */
export function oktaStatus(err: unknown): number | undefined {
  const status = (err as SdkErrorShape | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

function describe(e: SdkErrorShape): string {
  const parts = [`HTTP ${e.status}`];
  if (e.errorCode) parts.push(e.errorCode);
  const summary = e.errorSummary?.replace(/\s+/g, ' ').trim();
  return summary ? `${parts.join(' ')}: ${summary}` : parts.join(' ');
}

/**
 * Maps an SDK failure during `action` ("listing the members of group platform-approvers") to an
 * UpstreamError. Errors the package raised itself pass through unchanged.
 */
export function mapOktaError(err: unknown, settings: OktaSettings, action: string, maxWaitSeconds: number): Error {
  if (isJitError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape;
  const detail = { action, status: e.status, errorCode: e.errorCode, orgUrl: settings.orgUrl };
  if (e.status === 429) {
    const reset = rateLimitResetSeconds(e.headers);
    const when = reset ? ` The limit resets at ${new Date(reset * 1000).toISOString()}.` : '';
    return new UpstreamError(
      'okta.rate_limited',
      `Okta is rate-limiting this org (HTTP 429) while ${action}, longer than the ${maxWaitSeconds} s this package waits.${when} Try again after the reset.`,
      { cause: err, detail },
    );
  }
  const tokenEndpoint = e.url?.includes('/oauth2/v1/token') ?? false;
  if (e.status === 401 || e.status === 403 || (tokenEndpoint && e.status === 400)) {
    const scopes = settings.credential.kind === 'service_app' ? `, and that the service app is granted ${OKTA_SCOPES.join(' and ')}` : ', and that the token\'s admin may read users and groups';
    const who = tokenEndpoint ? 'Okta refused the service app\'s client assertion' : 'Okta refused the credential';
    return new UpstreamError(
      'okta.unauthorized',
      `${who} (${describe(e)}) while ${action}: check ${credentialVariables(settings)}${scopes}.`,
      { cause: err, detail },
    );
  }
  if (e.status === undefined && (e.name === 'FetchError' || e.code !== undefined || e.type !== undefined)) {
    const reason = e.type === 'request-timeout' ? 'no answer in time' : (e.code ?? e.type ?? 'network error');
    return new UpstreamError(
      'okta.unreachable',
      `Could not reach Okta at ${settings.orgUrl} (${reason}) while ${action}: check OKTA_ORG_URL and the network.`,
      { cause: err, detail },
    );
  }
  if (e.status !== undefined) {
    return new UpstreamError('okta.error', `Okta answered ${describe(e)} while ${action}. Try again later.`, { cause: err, detail });
  }
  return new UpstreamError('okta.error', `The Okta client failed while ${action}.`, { cause: err, detail });
}
