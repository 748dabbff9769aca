/**
 * Builds the real `@slack/web-api` WebClient the way the notifier needs it: loaded lazily (so tools that
 * never talk to Slack start fast), rate limits handed back to {@link SlackApi} instead of being retried for
 * half an hour inside the SDK, a request timeout, and the SDK's logging routed to the package's logger
 * instead of the console (whose output would reach the teammate).
 */
import type { Logger as SlackLogger, LogLevel } from '@slack/web-api';
import type { Logger } from '../../core/ports.js';
import type { SlackApiClient } from './slack-api.js';

/** Options for {@link createSlackWebClient}. */
export interface SlackWebClientOptions {
  /** Base URL of the Web API, ending in `/api/`; Slack's own when omitted. */
  apiUrl?: string;
  log: Logger;
  /** Milliseconds before a call is abandoned (default 15 s). */
  timeoutMs?: number;
}

/** Creates a WebClient for `token` that throws on rate limits (with Retry-After) rather than retrying itself. */
export async function createSlackWebClient(token: string, options: SlackWebClientOptions): Promise<SlackApiClient> {
  const { WebClient, LogLevel: Levels } = await import('@slack/web-api');
  return new WebClient(token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: options.timeoutMs ?? 15_000,
    logger: routedLogger(options.log, Levels.WARN),
  });
}

/** The SDK's logger interface over the package's: warnings and errors only, with anything token-like scrubbed. */
function routedLogger(log: Logger, initial: LogLevel): SlackLogger {
  let level = initial;
  const text = (parts: unknown[]) =>
    parts
      .map((part) => (part instanceof Error ? part.message : String(part)))
      .join(' ')
      .replace(/xox[a-z]-[A-Za-z0-9-]+/g, '[token]')
      .slice(0, 300);
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...parts: unknown[]) => log.warn('slack sdk', { detail: text(parts) }),
    error: (...parts: unknown[]) => log.error('slack sdk', { detail: text(parts) }),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
