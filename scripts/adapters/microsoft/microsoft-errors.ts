/**
 * Turns what the Microsoft clients throw (GraphError with Graph's status and code, @azure/identity's
 * AuthenticationError with Entra's AADSTS code, network failures) into the package's UpstreamError, naming
 * the variable to check and never the secret.
 */
import { isJitError, UpstreamError } from '../../core/errors.js';
import { GRAPH_PERMISSIONS, type MicrosoftSettings } from './microsoft-settings.js';

/** The fields of the clients' errors this module reads. */
interface ErrorShape {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  errorResponse?: { error?: string; errorDescription?: string };
}

/** Graph's HTTP status when it answered (the Graph client uses -1 when no answer came). */
export function graphStatus(err: unknown): number | undefined {
  const status = (err as ErrorShape | undefined)?.statusCode;
  return typeof status === 'number' && status > 0 ? status : undefined;
}

function short(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').replace(/Trace ID:.*$/i, '').trim().slice(0, 220);
}

/** Maps a failure during `action` to an UpstreamError. */
export function mapMicrosoftError(err: unknown, settings: MicrosoftSettings, action: string, maxWaitSeconds: number): Error {
  if (isJitError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorShape;
  const status = graphStatus(err);
  const detail = { action, status, code: e.code };
  // The Graph client wraps a failed token request in a GraphError (code AuthenticationRequiredError, status -1).
  const identity = /^(AuthenticationError|CredentialUnavailableError|AggregateAuthenticationError|AuthenticationRequiredError)$/.test(e.name ?? '') || /^(AuthenticationRequiredError|CredentialUnavailableError)$/.test(e.code ?? '');
  const refused = /AADSTS\d+|invalid_client|unauthorized_client|invalid_grant/.test(`${e.message ?? ''} ${e.errorResponse?.error ?? ''}`);
  if (identity && refused) {
    const reason = e.errorResponse?.errorDescription ?? e.message;
    return new UpstreamError(
      'microsoft.unauthorized',
      `Microsoft Entra refused the app's credential (${short(reason)}) while ${action}: check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (an expired or deleted secret).`,
      { cause: err, detail },
    );
  }
  if (status === 429) {
    return new UpstreamError('microsoft.rate_limited', `Microsoft Graph is throttling this app (HTTP 429) while ${action}, for longer than the ${maxWaitSeconds} s this package waits (directory.max_rate_limit_wait). Try again shortly.`, { cause: err, detail });
  }
  if (status === 401) {
    return new UpstreamError('microsoft.unauthorized', `Microsoft Graph refused the token (HTTP 401: ${short(e.message)}) while ${action}: check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET.`, { cause: err, detail });
  }
  if (status === 403) {
    return new UpstreamError('microsoft.forbidden', `Microsoft Graph refused access (HTTP 403: ${short(e.message)}) while ${action}: grant the app the application permissions ${GRAPH_PERMISSIONS.join(' and ')} with admin consent.`, { cause: err, detail });
  }
  if (status === undefined) {
    const where = identity ? settings.authorityHost : settings.graphUrl;
    return new UpstreamError('microsoft.unreachable', `Could not reach Microsoft at ${where} (${short(e.message) || 'network error'}) while ${action}: check ${identity ? 'AZURE_AUTHORITY_HOST' : 'MICROSOFT_GRAPH_URL'} and the network.`, { cause: err, detail });
  }
  return new UpstreamError('microsoft.error', `Microsoft Graph answered HTTP ${status} (${short(e.code)}: ${short(e.message)}) while ${action}. Try again later.`, { cause: err, detail });
}
