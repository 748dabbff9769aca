/**
 * When to try again after a failed removal or notification. Removals are the package's one promise, so their
 * retries follow the outage rather than an exponential curve that overshoots it: a few seconds apart (with
 * jitter, so many removals do not retry in lock-step) while the removal has only just started failing, then
 * spaced in proportion to how long it has been failing, so the overshoot after a long outage stays a tenth of it.
 */
import { isJitError } from './errors.js';

/** What a failure says about the next attempt: how long the target asked us to wait, and whether it throttled. */
export interface RetryHint {
  retryAfterMs?: number;
  throttled: boolean;
}

/** How long removal retries stay dense after the first failure. */
export const DENSE_RETRY_WINDOW_MS = 2 * 60_000;
/** Delay between dense retries (before jitter). */
export const DENSE_RETRY_DELAY_MS = 2_000;
/** Delay between dense retries of a throttled target (before jitter): slower, still seconds. */
export const THROTTLED_RETRY_DELAY_MS = 4_000;
/** After the dense window, the next attempt comes within this share of how long the removal has been failing. */
const PROPORTIONAL_SHARE = 0.1;

/**
 * The delay before the next removal attempt. `failingForMs` is how long the removal has been failing (0 after
 * its first failure); `maxDelayMs` (`expiry.max_retry_delay`) caps it, jitter included. A target's own
 * `Retry-After` is honoured up to that cap.
 */
export function removalRetryDelayMs(input: { failingForMs: number; maxDelayMs: number; hint?: RetryHint; random?: () => number }): number {
  const hint = input.hint ?? { throttled: false };
  let base = hint.throttled ? THROTTLED_RETRY_DELAY_MS : DENSE_RETRY_DELAY_MS;
  if (input.failingForMs >= DENSE_RETRY_WINDOW_MS) base = Math.max(base, input.failingForMs * PROPORTIONAL_SHARE);
  const jittered = base * (1 + 0.5 * (input.random ?? Math.random)());
  const delay = Math.max(jittered, hint.retryAfterMs ?? 0);
  return Math.max(1, Math.round(Math.min(delay, input.maxDelayMs)));
}

/** Delay before resending a notification: 5 s doubling per failed attempt up to 10 min, or Slack's `Retry-After`. */
export function notificationRetryDelayMs(attempts: number, hint?: RetryHint, random: () => number = Math.random): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
  return Math.round(Math.max(base * (1 + 0.25 * random()), hint?.retryAfterMs ?? 0));
}

/**
 * Reads a failure's retry hint from the error the package raised: `detail.retryAfterSeconds` (or Slack's
 * `detail.retryAfter`), and `detail.throttled` or a rate-limit code. Other errors carry none.
 */
export function retryHint(err: unknown): RetryHint {
  if (!isJitError(err)) return { throttled: false };
  const seconds = [err.detail.retryAfterSeconds, err.detail.retryAfter].find((v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0);
  const throttled = err.detail.throttled === true || /rate_limit|throttl/i.test(err.code);
  return { throttled, ...(seconds !== undefined ? { retryAfterMs: seconds * 1000 } : {}) };
}
