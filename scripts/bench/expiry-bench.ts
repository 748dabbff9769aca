/**
 * Two `kubiya-jit worker` processes end 1,000 grants that all fall due at the same instant, with the OPA
 * stand-in as the Enforcer and the Slack stand-in for the requesters' DMs: how long until the last one is
 * removed, and the revocation lag (expiry → removal recorded) at p50 and p99.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { RequestStore } from '../core/ports.js';
import type { AccessRequest } from '../core/types.js';
import { benchRequest } from './bench-requests.js';
import { percentile } from './bench-stats.js';

/** The figures of one run. */
export interface ExpiryFigures {
  grants: number;
  workers: number;
  /** From the common expiry to the last removal recorded. */
  allEndedMs: number;
  lagP50Ms: number;
  lagP99Ms: number;
}

/**
 * Seeds `grants` active grants (expiring in a day), starts the workers, then moves every expiry to one instant
 * a few seconds ahead in one statement (`expireAllAt`, the store's own SQL: the bench's only write outside the
 * port), so that the workers are asleep when the grants fall due together; then waits for every end.
 */
export async function benchExpiry(options: {
  store: RequestStore;
  cli: string;
  env: NodeJS.ProcessEnv;
  grants: number;
  workers: number;
  requester: string;
  expireAllAt(idPrefix: string, at: number): Promise<void>;
}): Promise<ExpiryFigures> {
  const { store } = options;
  const before = await store.count({ statuses: ['access_expired'] });
  const seeded = Date.now();
  const prefix = `req_due_${seeded}_`;
  const ids: string[] = [];
  for (let i = 0; i < options.grants; i += 1) {
    const request: AccessRequest = {
      ...benchRequest(i, seeded, 'access_granted'),
      id: `${prefix}${String(i).padStart(5, '0')}`,
      requester: options.requester,
      requestedBy: options.requester,
      version: 3,
      decidedBy: 'alice@example.com',
      grantedAt: seeded,
      warned: true,
      expiresAt: seeded + 86_400_000,
    };
    ids.push(request.id);
    await store.create(request, [{ requestId: request.id, type: 'request_created', actor: request.requester, at: seeded, data: {} }]);
  }
  const workers: ChildProcess[] = Array.from({ length: options.workers }, () =>
    spawn(process.execPath, [options.cli, 'worker'], { env: options.env, stdio: 'ignore' }),
  );
  // Let the workers start and fall asleep (nothing is due for a day), then bring the expiry to one instant.
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  const expiresAt = Date.now() + 3_000;
  await options.expireAllAt(prefix, expiresAt);
  try {
    const deadline = expiresAt + 300_000;
    while ((await store.count({ statuses: ['access_expired'] })) < before + options.grants) {
      if (Date.now() > deadline) throw new Error('the workers did not end every grant within 5 minutes');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.once('close', () => resolve());
            worker.kill('SIGTERM');
          }),
      ),
    );
  }
  const lags: number[] = [];
  let lastEnd = 0;
  for (const id of ids) {
    const request = await store.get(id);
    if (request?.status !== 'access_expired' || request.endedAt === undefined) throw new Error(`${id} did not end`);
    lags.push(request.endedAt - expiresAt);
    lastEnd = Math.max(lastEnd, request.endedAt);
  }
  return { grants: options.grants, workers: options.workers, allEndedMs: lastEnd - expiresAt, lagP50Ms: percentile(lags, 0.5), lagP99Ms: percentile(lags, 0.99) };
}
