import type { RequestStore } from '../../core/ports.js';
import { realSleep, type Sleep } from './assignment-poller.js';
import type { AwsSettings } from './aws-settings.js';
import type { Logger } from '../../core/ports.js';
import { withTargetLock } from './target-lock.js';

/** The parts of the store the AWS providers use: locks, holds, follow-ups, and requests (for migrating old holds). */
export type AwsStore = Pick<
  RequestStore,
  'acquireLock' | 'releaseLock' | 'addHold' | 'removeHold' | 'listHolds' | 'scheduleFollowUp' | 'get' | 'cacheGet' | 'cachePut'
>;

/** What the AWS providers share besides SDK clients and settings: the store, a clock, a sleep. */
export interface AwsCoordination {
  store: AwsStore;
  now: () => number;
  sleep: Sleep;
}

/** Coordination through `store` with the system clock and real sleeps. */
export function awsCoordination(store: AwsStore, overrides: Partial<Omit<AwsCoordination, 'store'>> = {}): AwsCoordination {
  return { store, now: overrides.now ?? Date.now, sleep: overrides.sleep ?? realSleep };
}

/** Runs `work` under the store lock of one AWS object (`aws:role:<name>`, `aws:iam-policy:<user>:<arn>`, …). */
export function lockTarget<T>(c: AwsCoordination, aws: AwsSettings, log: Logger, name: string, work: () => Promise<T>): Promise<T> {
  return withTargetLock({ ledger: c.store, now: c.now, sleep: c.sleep, log, settings: aws.locks }, name, work);
}
