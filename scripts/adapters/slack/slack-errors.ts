/**
 * Turns what Slack's WebClient throws into the package's {@link UpstreamError}, with a code `slack.<error>`
 * and a message that names the method, Slack's error and what to fix. The token never appears: messages
 * are built from the method name and Slack's error code only, never from the SDK's own error text.
 */
import { UpstreamError } from '../../core/errors.js';

/** What to do about the Slack errors an operator can fix; keys are Slack's error codes. */
const HINTS: Record<string, string> = {
  channel_not_found:
    'Check APPROVERS_CHANNEL: it must be the id (C…) or name of a channel the Slack app can see.',
  not_in_channel: 'Invite the Slack app to the channel named by APPROVERS_CHANNEL (/invite @app), then try again.',
  is_archived: 'The channel named by APPROVERS_CHANNEL is archived; point APPROVERS_CHANNEL at a live channel.',
  not_authed: 'Set SLACK_API_TOKEN to the Slack app’s bot token (xoxb-…).',
  invalid_auth: 'Check SLACK_API_TOKEN: Slack does not accept it. Use the app’s current bot token (xoxb-…).',
  account_inactive: 'The Slack app behind SLACK_API_TOKEN was deactivated; reinstall it and update the token.',
  token_revoked: 'SLACK_API_TOKEN was revoked; reinstall the Slack app and update the token.',
  missing_scope: 'Add the missing scope to the Slack app (chat:write, users:read, users:read.email, im:write) and reinstall it.',
  users_not_found: 'No Slack user has this email address; the requester’s Slack profile email must match their login.',
  user_not_found: 'Slack does not know this user id.',
  message_not_found: 'The approvers’ message no longer exists; the request itself is unaffected.',
  cant_update_message: 'The approvers’ message was not posted by this Slack app, so it cannot be updated.',
  invalid_blocks: 'The message broke a Slack Block Kit limit: this is a bug in kubiya-jit; please report it with this request id.',
  msg_too_long: 'The message was too long for Slack: this is a bug in kubiya-jit; please report it.',
};

/** Codes of the errors the SDK itself raises (see @slack/web-api `ErrorCode`). */
const SDK = {
  platform: 'slack_webapi_platform_error',
  rateLimited: 'slack_webapi_rate_limited_error',
  request: 'slack_webapi_request_error',
  http: 'slack_webapi_http_error',
} as const;

/** Slack's answer when a call came back `ok: false`: its error code and any `response_metadata.messages`. */
export interface SlackFailure {
  error: string;
  messages: string[];
  needed?: string;
}

/** Reads a WebClient error: a platform error, a rate limit (with its Retry-After), or something else. */
export function classifySlackError(err: unknown):
  | { kind: 'platform'; failure: SlackFailure }
  | { kind: 'rate_limited'; retryAfter: number }
  | { kind: 'unreachable' }
  | { kind: 'http'; status?: number }
  | { kind: 'other' } {
  const e = err as { code?: unknown; data?: unknown; retryAfter?: unknown; statusCode?: unknown } | null;
  if (!e || typeof e !== 'object') return { kind: 'other' };
  if (e.code === SDK.platform) return { kind: 'platform', failure: readFailure(e.data) };
  if (e.code === SDK.rateLimited) return { kind: 'rate_limited', retryAfter: typeof e.retryAfter === 'number' ? e.retryAfter : 1 };
  if (e.code === SDK.request) return { kind: 'unreachable' };
  if (e.code === SDK.http) return { kind: 'http', ...(typeof e.statusCode === 'number' ? { status: e.statusCode } : {}) };
  return { kind: 'other' };
}

/** Parses an `ok: false` body into a {@link SlackFailure}. */
export function readFailure(data: unknown): SlackFailure {
  const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const meta = (typeof body.response_metadata === 'object' && body.response_metadata !== null ? body.response_metadata : {}) as Record<string, unknown>;
  const messages = Array.isArray(meta.messages) ? meta.messages.filter((m): m is string => typeof m === 'string') : [];
  const error = typeof body.error === 'string' && /^[a-z0-9_]{1,80}$/.test(body.error) ? body.error : 'unknown_error';
  return { error, messages, ...(typeof body.needed === 'string' ? { needed: body.needed } : {}) };
}

/** The UpstreamError for a call Slack refused. `hint` replaces the default advice for this call's context. */
export function platformError(method: string, failure: SlackFailure, hint?: string): UpstreamError {
  const advice = hint ?? HINTS[failure.error] ?? 'See Slack’s documentation of this error for the method.';
  const needed = failure.needed ? ` (needed scope: ${failure.needed})` : '';
  return new UpstreamError(`slack.${failure.error}`, `Slack refused ${method}: ${failure.error}${needed}. ${advice}`, {
    detail: { method, error: failure.error, ...(failure.messages.length > 0 ? { messages: failure.messages } : {}) },
  });
}

/** The UpstreamError for a call that stayed rate-limited after the retries. */
export function rateLimitedError(method: string, attempts: number, retryAfter: number): UpstreamError {
  return new UpstreamError(
    'slack.rate_limited',
    `Slack rate-limited ${method} and still did after ${attempts} attempt(s); it asks to wait ${retryAfter}s. Try again in a minute.`,
    { detail: { method, attempts, retryAfter } },
  );
}

/** The UpstreamError for a call that never got an answer from Slack, or got an unexpected HTTP status. */
export function transportError(method: string, kind: 'unreachable' | 'http' | 'other', status?: number): UpstreamError {
  if (kind === 'unreachable') {
    return new UpstreamError('slack.unreachable', `Could not reach Slack for ${method}. Check the network, or SLACK_API_URL if set.`, { detail: { method } });
  }
  const what = kind === 'http' ? `HTTP ${status ?? 'error'}` : 'an unexpected failure';
  return new UpstreamError('slack.http_error', `Slack answered ${method} with ${what}. Try again later.`, { detail: { method, status } });
}
