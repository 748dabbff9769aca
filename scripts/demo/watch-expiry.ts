/**
 * Watches the Enforcer around a grant's expiry, from outside, as a tool run would meet it: when the decision
 * first turns to DENIED, and when the grant's document disappears from OPA's data (the worker's removal).
 */
import { DemoCheckError } from './demo-check.js';
import type { DemoWorld } from './demo-world.js';
import { askEnforcer } from './enforcer-decision.js';
import { STORY } from './approval-story.js';

/** How long past the expiry the demo waits for the removal before calling it a failure. */
const GRACE_MS = 15_000;
const POLL_MS = 25;

/** When each party first saw the access end, in epoch milliseconds. */
export interface ExpirySeen {
  deniedAt: number;
  removedAt: number;
}

/** Polls until the grant is both denied and removed; throws a DemoCheckError when that misses the grace time. */
export async function watchExpiry(world: DemoWorld, email: string, requestId: string, expiresAt: number): Promise<ExpirySeen> {
  let deniedAt: number | undefined;
  let removedAt: number | undefined;
  while (deniedAt === undefined || removedAt === undefined) {
    const now = Date.now();
    if (now > expiresAt + GRACE_MS) {
      throw new DemoCheckError(
        'expiry',
        `${GRACE_MS / 1000} s after the expiry the grant is ${removedAt === undefined ? 'still in the Enforcer' : 'removed'} and the decision is ` +
          `${deniedAt === undefined ? 'still ALLOWED' : 'DENIED'}: the worker did not end the access.`,
      );
    }
    if (removedAt === undefined && world.opaGrants()[requestId] === undefined) removedAt = now;
    if (deniedAt === undefined && !(await askEnforcer(world.opa.url, email, STORY.tool, STORY.params)).allowed) deniedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  // Access that ends early is as wrong as access that lingers.
  if (Math.min(deniedAt, removedAt) < expiresAt) {
    throw new DemoCheckError('expiry', `the access ended ${expiresAt - Math.min(deniedAt, removedAt)} ms before the approved expiry.`);
  }
  return { deniedAt, removedAt };
}
