import { describe, expect, it } from 'vitest';
import { waitForOperation, type OperationStatus } from '../../../scripts/adapters/aws/assignment-poller.js';
import { UpstreamError } from '../../../scripts/core/errors.js';

const poll = { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 250 };

function sequence(statuses: OperationStatus[]): { describe: () => Promise<OperationStatus>; calls: () => number } {
  let calls = 0;
  return { describe: async () => statuses[Math.min(calls++, statuses.length - 1)]!, calls: () => calls };
}

describe('waitForOperation', () => {
  it('returns at once when the first answer is SUCCEEDED', async () => {
    const seq = sequence([]);
    await waitForOperation('assign', { status: 'SUCCEEDED' }, seq.describe, poll, async () => {});
    expect(seq.calls()).toBe(0);
  });

  it('waits through IN_PROGRESS with a capped, doubling backoff until SUCCEEDED', async () => {
    const sleeps: number[] = [];
    const seq = sequence([{ status: 'IN_PROGRESS' }, { status: 'IN_PROGRESS' }, { status: 'SUCCEEDED' }]);
    await waitForOperation('assign', { status: 'IN_PROGRESS' }, seq.describe, poll, async (ms) => {
      sleeps.push(ms);
    });
    expect(seq.calls()).toBe(3);
    expect(sleeps).toEqual([100, 200, 250]);
  });

  it('turns FAILED into an UpstreamError carrying AWS reason', async () => {
    const seq = sequence([{ status: 'FAILED', failureReason: 'Received a 404 status error: Not supported account' }]);
    const err = await waitForOperation('assign the permission set', { status: 'IN_PROGRESS' }, seq.describe, poll, async () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).code).toBe('aws.assignment_failed');
    expect((err as UpstreamError).message).toContain('Not supported account');
  });

  it('gives up after maxAttempts status checks that stay IN_PROGRESS', async () => {
    const seq = sequence([{ status: 'IN_PROGRESS' }]);
    await expect(waitForOperation('assign', { status: 'IN_PROGRESS' }, seq.describe, poll, async () => {})).rejects.toMatchObject({ code: 'aws.assignment_timeout' });
    expect(seq.calls()).toBe(poll.maxAttempts);
  });
});
