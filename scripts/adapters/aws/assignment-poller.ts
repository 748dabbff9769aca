import { UpstreamError } from '../../core/errors.js';
import type { PollSettings } from './aws-settings.js';

/** What one status call of an asynchronous Identity Center operation answered. */
export interface OperationStatus {
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | string;
  failureReason?: string;
}

/** Sleeps for `ms`; injected so tests wait without real time. */
export type Sleep = (ms: number) => Promise<void>;

/** Real sleep. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls an asynchronous Identity Center operation (`CreateAccountAssignment`, `DeleteAccountAssignment`)
 * until it is SUCCEEDED, with exponential backoff capped at `maxDelayMs`, for at most `maxAttempts` status
 * calls. FAILED, or still IN_PROGRESS after the last attempt, is an {@link UpstreamError} with AWS's reason.
 * `first` is the status the starting call already returned, which AWS reports as IN_PROGRESS.
 */
export async function waitForOperation(
  what: string,
  first: OperationStatus,
  describe: () => Promise<OperationStatus>,
  poll: PollSettings,
  sleep: Sleep = realSleep,
): Promise<void> {
  let current = first;
  let delay = poll.initialDelayMs;
  for (let attempt = 0; ; attempt += 1) {
    if (current.status === 'SUCCEEDED') return;
    if (current.status === 'FAILED') {
      throw new UpstreamError('aws.assignment_failed', `IAM Identity Center could not ${what}: ${current.failureReason ?? 'no reason given'}.`, {
        detail: { failureReason: current.failureReason ?? null },
      });
    }
    if (attempt >= poll.maxAttempts) {
      throw new UpstreamError(
        'aws.assignment_timeout',
        `IAM Identity Center did not finish to ${what} after ${poll.maxAttempts} status checks (still ${current.status}); it may complete later. Try again to check.`,
      );
    }
    await sleep(delay);
    delay = Math.min(delay * 2, poll.maxDelayMs);
    current = await describe();
  }
}
