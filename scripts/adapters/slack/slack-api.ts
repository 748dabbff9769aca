/**
 * One Slack Web API call with the package's error handling: a few bounded retries when Slack rate-limits
 * (waiting out its `Retry-After`), then a clear `slack.rate_limited`; an `ok: false` answer becomes an
 * UpstreamError `slack.<error>`. The client is anything with WebClient's `apiCall`.
 */
import type { Logger } from '../../core/ports.js';
import { classifySlackError, platformError, rateLimitedError, readFailure, transportError } from './slack-errors.js';

/** The part of `@slack/web-api`'s WebClient the package uses. */
export interface SlackApiClient {
  apiCall(method: string, options?: Record<string, unknown>): Promise<unknown>;
}

/** Retry bounds for rate limits. */
export interface SlackRetryOptions {
  /** Retries after the first attempt when Slack answers 429 (default 3). */
  maxRateLimitRetries?: number;
  /** A Retry-After longer than this gives up at once rather than blocking a tool run (default 30 s). */
  maxRetryAfterSeconds?: number;
  /** Waits `ms`; replaceable so a caller can bound or observe waiting. */
  sleep?: (ms: number) => Promise<void>;
}

/** Calls Slack methods through a client, with bounded rate-limit retries and mapped errors. */
export class SlackApi {
  private readonly maxRetries: number;
  private readonly maxRetryAfter: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: SlackApiClient,
    private readonly log: Logger,
    options: SlackRetryOptions = {},
  ) {
    this.maxRetries = options.maxRateLimitRetries ?? 3;
    this.maxRetryAfter = options.maxRetryAfterSeconds ?? 30;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Calls `method` and returns Slack's answer as a plain object. `hints` replaces the advice for given
   * Slack error codes where this call's context knows better (a DM's `channel_not_found` is not about
   * APPROVERS_CHANNEL).
   */
  async call(method: string, params: Record<string, unknown>, hints: Record<string, string> = {}): Promise<Record<string, unknown>> {
    for (let attempt = 1; ; attempt += 1) {
      let result: unknown;
      try {
        result = await this.client.apiCall(method, params);
      } catch (err) {
        const kind = classifySlackError(err);
        if (kind.kind === 'rate_limited') {
          if (attempt > this.maxRetries || kind.retryAfter > this.maxRetryAfter) {
            this.log.warn('slack rate limit: giving up', { method, attempts: attempt, retryAfter: kind.retryAfter });
            throw rateLimitedError(method, attempt, kind.retryAfter);
          }
          this.log.info('slack rate limit: waiting', { method, attempt, retryAfter: kind.retryAfter });
          await this.sleep(kind.retryAfter * 1000);
          continue;
        }
        if (kind.kind === 'platform') {
          this.log.warn('slack refused a call', { method, error: kind.failure.error, messages: kind.failure.messages });
          throw platformError(method, kind.failure, hints[kind.failure.error]);
        }
        this.log.warn('slack call failed', { method, kind: kind.kind });
        throw transportError(method, kind.kind, kind.kind === 'http' ? kind.status : undefined);
      }
      const body = (typeof result === 'object' && result !== null ? result : {}) as Record<string, unknown>;
      // A client configured not to throw on `ok: false` still must not pass a refusal off as success.
      if (body.ok !== true) {
        const failure = readFailure(body);
        this.log.warn('slack refused a call', { method, error: failure.error });
        throw platformError(method, failure, hints[failure.error]);
      }
      return body;
    }
  }
}
