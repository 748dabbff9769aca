/** The approvers bench runs end to end: 2,000 members resolved through the SDK, cold and warm. */
import { expect, it } from 'vitest';
import { benchApprovers } from '../../../scripts/bench/approvers-bench.js';

it('resolves all 2,000 ACTIVE members cold and warm and reports both timings', async () => {
  const result = await benchApprovers();
  expect(result.members).toBe(2000);
  expect(Number.isFinite(result.coldMs) && result.coldMs >= 0).toBe(true);
  expect(Number.isFinite(result.warmMs) && result.warmMs >= 0).toBe(true);
});
