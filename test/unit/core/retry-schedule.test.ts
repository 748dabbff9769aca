import { describe, expect, it } from 'vitest';
import { UpstreamError, ValidationError } from '../../../scripts/core/errors.js';
import {
  DENSE_RETRY_DELAY_MS,
  DENSE_RETRY_WINDOW_MS,
  notificationRetryDelayMs,
  removalRetryDelayMs,
  retryHint,
  THROTTLED_RETRY_DELAY_MS,
} from '../../../scripts/core/retry-schedule.js';

const noJitter = () => 0;
const fullJitter = () => 0.999999;
const MAX = 15 * 60_000;

describe('removal retries track the outage', () => {
  it('stay a few seconds apart, with up to 50% jitter, while the removal has only just started failing', () => {
    for (const failingForMs of [0, 5_000, 60_000, DENSE_RETRY_WINDOW_MS - 1]) {
      expect(removalRetryDelayMs({ failingForMs, maxDelayMs: MAX, random: noJitter })).toBe(DENSE_RETRY_DELAY_MS);
      expect(removalRetryDelayMs({ failingForMs, maxDelayMs: MAX, random: fullJitter })).toBeLessThanOrEqual(DENSE_RETRY_DELAY_MS * 1.5);
    }
  });

  it('keep a 60 s outage overshot by a few seconds at most: no attempt is ever more than 3 s after the previous one', () => {
    let t = 0;
    const attempts: number[] = [];
    while (t < 60_000) {
      attempts.push(t);
      t += removalRetryDelayMs({ failingForMs: t, maxDelayMs: MAX, random: fullJitter });
    }
    // The old schedule (5 s doubling) had gaps of 20 s and 40 s inside the first minute.
    const gaps = attempts.slice(1).map((a, i) => a - attempts[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(3_000);
    expect(attempts.length).toBeGreaterThanOrEqual(20);
  });

  it('space out in proportion to how long the removal has been failing, once it has failed for long', () => {
    expect(removalRetryDelayMs({ failingForMs: 10 * 60_000, maxDelayMs: MAX, random: noJitter })).toBe(60_000);
    expect(removalRetryDelayMs({ failingForMs: 60 * 60_000, maxDelayMs: MAX, random: noJitter })).toBe(6 * 60_000);
    expect(removalRetryDelayMs({ failingForMs: 100 * 60_000, maxDelayMs: MAX, random: noJitter })).toBe(10 * 60_000);
  });

  it('never exceed expiry.max_retry_delay, jitter and Retry-After included', () => {
    expect(removalRetryDelayMs({ failingForMs: 10 * 3600_000, maxDelayMs: MAX, random: fullJitter })).toBe(MAX);
    expect(removalRetryDelayMs({ failingForMs: 0, maxDelayMs: 1_000, random: fullJitter })).toBe(1_000);
    expect(removalRetryDelayMs({ failingForMs: 0, maxDelayMs: 1_000, hint: { throttled: true, retryAfterMs: 30_000 } })).toBe(1_000);
  });

  it('slow down for throttling and honour a Retry-After longer than the schedule', () => {
    expect(removalRetryDelayMs({ failingForMs: 0, maxDelayMs: MAX, hint: { throttled: true }, random: noJitter })).toBe(THROTTLED_RETRY_DELAY_MS);
    expect(removalRetryDelayMs({ failingForMs: 0, maxDelayMs: MAX, hint: { throttled: true, retryAfterMs: 9_000 }, random: noJitter })).toBe(9_000);
    // A short Retry-After does not make retries denser than the schedule.
    expect(removalRetryDelayMs({ failingForMs: 0, maxDelayMs: MAX, hint: { throttled: false, retryAfterMs: 100 }, random: noJitter })).toBe(DENSE_RETRY_DELAY_MS);
  });
});

describe('notification retries', () => {
  it('double from 5 s up to 10 minutes, and wait out Slack’s Retry-After', () => {
    expect([1, 2, 3, 4].map((n) => notificationRetryDelayMs(n, undefined, noJitter))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(notificationRetryDelayMs(30, undefined, noJitter)).toBe(600_000);
    expect(notificationRetryDelayMs(1, { throttled: true, retryAfterMs: 90_000 }, noJitter)).toBe(90_000);
  });
});

describe('retry hints from errors', () => {
  it('reads Retry-After and throttling from the package’s errors only', () => {
    expect(retryHint(new UpstreamError('slack.rate_limited', 'm', { detail: { retryAfter: 7 } }))).toEqual({ throttled: true, retryAfterMs: 7_000 });
    expect(retryHint(new UpstreamError('aws.call_failed', 'm', { detail: { throttled: true, retryAfterSeconds: 2 } }))).toEqual({ throttled: true, retryAfterMs: 2_000 });
    expect(retryHint(new ValidationError('aws.entry_incomplete', 'm'))).toEqual({ throttled: false });
    // Text from elsewhere is not trusted to schedule anything.
    expect(retryHint(Object.assign(new Error('Throttling'), { detail: { retryAfter: 1 } }))).toEqual({ throttled: false });
  });
});
