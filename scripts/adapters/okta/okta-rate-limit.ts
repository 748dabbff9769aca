/**
 * Waits out Okta's rate limits within a bound. Okta answers 429 with `X-Rate-Limit-Reset` (epoch seconds
 * when the window resets); the request executor here sleeps until then and retries, as long as the total
 * wait of the current directory operation stays within its budget. Past the budget the 429 goes back to
 * the SDK, which raises it, and the adapter reports `okta.rate_limited`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type * as OktaSdk from '@okta/okta-sdk-nodejs';
import type { Logger } from '../../core/ports.js';

/** How much waiting the current directory operation has left. */
interface WaitBudget {
  remainingMs: number;
}

/** The part of a node-fetch response the executor reads. */
interface FetchResponse {
  status: number;
  url?: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

type RequestOptions = Parameters<OktaSdk.RequestExecutor['fetch']>[0];

const budgets = new AsyncLocalStorage<WaitBudget>();

/** A reset that is already past still gets a short pause, so a confused server is not hammered. */
const MIN_DELAY_MS = 250;
/** Headroom past the reset instant: Okta's `Date` header has whole seconds only. */
const MARGIN_MS = 250;
/** Retries per request, whatever the budget, so a server that keeps answering 429 cannot loop us. */
const MAX_ATTEMPTS = 6;

/**
 * Runs `operation` with a rate-limit wait budget of `maxWaitMs`, shared by every Okta request it makes
 * (all pages of a member list wait out of one budget). Nested calls share the outer budget.
 */
export function withRateLimitBudget<T>(maxWaitMs: number, operation: () => Promise<T>): Promise<T> {
  if (budgets.getStore()) return operation();
  return budgets.run({ remainingMs: maxWaitMs }, operation);
}

/**
 * How long to wait before retrying after a 429: until `X-Rate-Limit-Reset`, measured against the
 * response's `Date` (Okta's clock, so our clock's skew does not matter). Undefined when the reset is absent
 * or malformed (Okta has sent duplicated headers, joined with commas).
 */
export function retryDelayMs(headers: FetchResponse['headers'], fallbackNow: number = Date.now()): number | undefined {
  const reset = headers.get('x-rate-limit-reset');
  if (!reset || !/^\d+$/.test(reset.trim())) return undefined;
  const serverNow = Date.parse(headers.get('date') ?? '');
  const now = Number.isNaN(serverNow) ? fallbackNow : serverNow;
  return Math.max(Number(reset.trim()) * 1000 - now, MIN_DELAY_MS) + MARGIN_MS;
}

/** The reset instant of a 429, in epoch seconds, for messages. */
export function rateLimitResetSeconds(headers: FetchResponse['headers'] | undefined): number | undefined {
  const reset = headers?.get('x-rate-limit-reset');
  return reset && /^\d+$/.test(reset.trim()) ? Number(reset.trim()) : undefined;
}

/**
 * Builds the SDK request executor: a per-request timeout, and 429s waited out within the budget of
 * {@link withRateLimitBudget} (or `maxWaitMs` per request outside one).
 */
export function createRateLimitedExecutor(
  sdk: Pick<typeof OktaSdk, 'RequestExecutor'>,
  options: { maxWaitMs: number; requestTimeoutMs: number; log: Logger },
): OktaSdk.RequestExecutor {
  class BoundedRateLimitExecutor extends sdk.RequestExecutor {
    override async fetch(request: RequestOptions): Promise<FetchResponse & Awaited<ReturnType<OktaSdk.RequestExecutor['fetch']>>> {
      const budget = budgets.getStore() ?? { remainingMs: options.maxWaitMs };
      // Set in place: the SDK passes its own request context object, which a copy would lose methods of.
      (request as RequestOptions & { timeout?: number }).timeout = options.requestTimeoutMs;
      for (let attempt = 1; ; attempt += 1) {
        const response = (await super.fetch(request)) as FetchResponse &
          Awaited<ReturnType<OktaSdk.RequestExecutor['fetch']>>;
        if (response.status !== 429 || attempt >= MAX_ATTEMPTS) return response;
        const delay = retryDelayMs(response.headers);
        if (delay === undefined || delay > budget.remainingMs) return response;
        // Drain the refused response so its socket goes back to the pool.
        await response.text().catch(() => '');
        budget.remainingMs -= delay;
        options.log.warn('Okta rate limit reached; waiting for the reset before retrying', {
          path: new URL(String(request.url ?? response.url ?? ''), 'http://x').pathname,
          waitMs: delay,
          budgetLeftMs: budget.remainingMs,
        });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
  return new BoundedRateLimitExecutor();
}
