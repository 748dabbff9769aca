/**
 * Turns what Octokit throws (RequestError with GitHub's status and message, GraphQL errors, fetch failures)
 * into the package's UpstreamError, with a code and a message naming the setting to check. Messages carry
 * GitHub's status and message, never the credential.
 */
import { isJitError, UpstreamError } from '../../core/errors.js';
import { gitHubCredentialVariables, type GitHubSettings } from './github-settings.js';

/** The fields of Octokit's errors this module reads. */
interface OctokitErrorShape {
  name?: string;
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

/** The HTTP status of an Octokit error when GitHub answered; undefined for a failure to reach it. */
export function gitHubStatus(err: unknown): number | undefined {
  const e = err as OctokitErrorShape | undefined;
  return e?.response && typeof e.status === 'number' ? e.status : undefined;
}

/** Whether GitHub's answer is a rate limit (primary or secondary), as its docs describe them. */
export function isRateLimit(err: unknown): boolean {
  const e = err as OctokitErrorShape | undefined;
  const status = gitHubStatus(err);
  if (status !== 403 && status !== 429) return false;
  const headers = e?.response?.headers ?? {};
  return status === 429 || headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e?.message ?? '');
}

function short(message: string | undefined): string {
  return (message ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Maps a failure during `action` ("listing the members of team acme/platform") to an UpstreamError. */
export function mapGitHubError(err: unknown, settings: GitHubSettings, action: string, maxWaitSeconds: number): Error {
  if (isJitError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as OctokitErrorShape;
  const status = gitHubStatus(err);
  const detail = { action, status, apiUrl: settings.apiUrl };
  if (isRateLimit(err)) {
    return new UpstreamError(
      'github.rate_limited',
      `GitHub is rate-limiting this ${settings.credential.kind === 'app' ? 'App' : 'token'} (HTTP ${status}) while ${action}, for longer than the ${maxWaitSeconds} s this package waits (directory.max_rate_limit_wait). Try again in a few minutes.`,
      { cause: err, detail },
    );
  }
  if (status === 401) {
    return new UpstreamError(
      'github.unauthorized',
      `GitHub refused the credential (HTTP 401: ${short(e.message)}) while ${action}: check ${gitHubCredentialVariables(settings)} (an expired token, a revoked key or an uninstalled App).`,
      { cause: err, detail },
    );
  }
  if (status === 403) {
    const needs = settings.credential.kind === 'app' ? 'the App\'s Members (read) organisation permission' : 'the token\'s read:org scope';
    return new UpstreamError(
      'github.forbidden',
      `GitHub refused access (HTTP 403: ${short(e.message)}) while ${action}: check ${needs} and that it is installed on ${settings.organization}.`,
      { cause: err, detail },
    );
  }
  if (e.name === 'GraphqlResponseError') {
    const errors = (err as { errors?: { type?: string; message?: string }[] }).errors ?? [];
    const forbidden = errors.some((x) => x.type === 'FORBIDDEN' || /not accessible|must have admin/i.test(x.message ?? ''));
    return new UpstreamError(
      forbidden ? 'github.forbidden' : 'github.error',
      forbidden
        ? `GitHub refused to show ${settings.organization}'s SAML identities while ${action}: give the App the Members (read) and Administration (read) organisation permissions, or set directory.saml_emails: false and use directory.email_mapping.`
        : `GitHub's GraphQL API answered with an error while ${action}: ${short(errors[0]?.message ?? e.message)}.`,
      { cause: err, detail },
    );
  }
  if (status === undefined) {
    return new UpstreamError(
      'github.unreachable',
      `Could not reach GitHub at ${settings.apiUrl} (${short(e.message) || 'network error'}) while ${action}: check GITHUB_API_URL and the network.`,
      { cause: err, detail },
    );
  }
  return new UpstreamError('github.error', `GitHub answered HTTP ${status} (${short(e.message)}) while ${action}. Try again later.`, { cause: err, detail });
}
