import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { UpstreamError } from '../../core/errors.js';
import type { Logger, TargetLedger } from '../../core/ports.js';
import type { Sleep } from './assignment-poller.js';

/** How long a lock lease lasts and how long to wait for a busy one. */
export interface LockSettings {
  /** A lease this long; renewed every third of it while the work runs, so only a dead holder's lapses. */
  leaseMs: number;
  /** Waiting for a busy target longer than this is an error (the grant fails cleanly, a removal is retried). */
  waitMs: number;
}

/** What taking a target lock needs: the store's ledger, a clock and a sleep (injected in tests). */
export interface LockDeps {
  ledger: Pick<TargetLedger, 'acquireLock' | 'releaseLock'>;
  now: () => number;
  sleep: Sleep;
  log: Logger;
  settings: LockSettings;
  /** Who holds the lock: unique per process and call, so two runs on two hosts never share an owner. */
  owner?: string;
}

/** A lock owner unique to this host, process and call. */
export function lockOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
}

/**
 * Runs `work` while holding the store lock `name`, so read-modify-write sequences on one AWS object (a role's
 * trust policy, a user's policy attachment, an account assignment) never interleave across processes and
 * hosts. Waits for a busy lock with short jittered polls up to `waitMs`, renews the lease while `work` runs,
 * and releases it afterwards; a holder that dies stops renewing, so its lease lapses within `leaseMs`.
 */
export async function withTargetLock<T>(deps: LockDeps, name: string, work: () => Promise<T>): Promise<T> {
  const owner = deps.owner ?? lockOwner();
  const { leaseMs, waitMs } = deps.settings;
  const started = deps.now();
  let delay = 25;
  let waiting = false;
  while (!(await deps.ledger.acquireLock(name, owner, deps.now() + leaseMs, deps.now()))) {
    if (!waiting) {
      waiting = true;
      deps.log.info('waiting for a target lock held by another run', { lock: name });
    }
    if (deps.now() - started >= waitMs) {
      throw new UpstreamError('aws.target_busy', `Another kubiya-jit run has been changing ${name.replace(/^aws:/, '')} for over ${Math.round(waitMs / 1000)} s; try again shortly.`, {
        detail: { lock: name },
      });
    }
    await deps.sleep(delay + Math.floor(Math.random() * delay));
    delay = Math.min(delay * 2, 500);
  }
  let lost = false;
  const renew = setInterval(() => {
    void deps.ledger
      .acquireLock(name, owner, deps.now() + leaseMs, deps.now())
      .then((held) => {
        if (!held && !lost) {
          lost = true;
          deps.log.error('target lock lost while held (the lease lapsed); another run may now write the same target', { lock: name, owner });
        }
      })
      .catch((err: unknown) => deps.log.warn('renewing a target lock failed', { lock: name, error: String(err) }));
  }, Math.max(Math.floor(leaseMs / 3), 10));
  renew.unref();
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await deps.ledger.releaseLock(name, owner).catch((err: unknown) => deps.log.warn('releasing a target lock failed; it lapses with its lease', { lock: name, error: String(err) }));
  }
}
