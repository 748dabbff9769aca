/**
 * The worker's Prometheus metrics, with prom-client. What the worker does is read off the writes it makes:
 * {@link WorkerMetrics.meter} wraps the store so that every successful compare-and-swap that ends a grant,
 * records a failed removal or retries one is counted, with no hook in the core.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestStore } from '../../core/ports.js';
import type { AccessRequest, NewAuditEvent } from '../../core/types.js';

/** The metrics of one worker process. */
export interface WorkerMetrics {
  readonly registry: Registry;
  /** The store, counting what the worker writes through it. */
  meter(store: RequestStore): RequestStore;
  /** Records one sweep's wall time. */
  observeSweep(seconds: number): void;
  /** The exposition text and its content type, for `GET /metrics`. */
  render(): Promise<{ contentType: string; body: string }>;
}

const ENDED = new Set(['access_expired', 'revoked']);

/** Creates the registry; the grant gauges are read from `store` at each scrape. */
export function createWorkerMetrics(store: RequestStore): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kubiya_jit_' });
  const gauge = (name: string, help: string, statuses: AccessRequest['status'][]) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        try {
          this.set(await store.count({ statuses }));
        } catch {
          // A scrape while the database is away keeps the last value rather than failing the whole scrape.
        }
      },
    });
  gauge('kubiya_jit_active_grants', 'Grants in force now (status access_granted), across every runner sharing the store.', ['access_granted']);
  gauge('kubiya_jit_grants_ending', 'Grants whose removal is under way or being retried (status ending).', ['ending']);
  const ended = new Counter({ name: 'kubiya_jit_grants_ended_total', help: 'Grants this worker ended, by kind (expire at the TTL, revoke early).', labelNames: ['kind'], registers: [registry] });
  const failures = new Counter({ name: 'kubiya_jit_removal_failures_total', help: 'Removal attempts by this worker that failed and will be retried.', registers: [registry] });
  const retries = new Counter({ name: 'kubiya_jit_removal_retries_total', help: 'Removal attempts by this worker on grants whose removal had failed before.', registers: [registry] });
  const lag = new Histogram({
    name: 'kubiya_jit_revocation_lag_seconds',
    help: 'From a grant\'s expiry to its removal confirmed, for grants this worker expired.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  const sweep = new Histogram({
    name: 'kubiya_jit_sweep_duration_seconds',
    help: 'Wall time of one sweep (claim the due work, act on each request).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  const observe = (next: AccessRequest, events: readonly NewAuditEvent[]) => {
    const failed = events.some((event) => event.type === 'revocation_failed');
    const finished = ENDED.has(next.status) || events.some((event) => event.type === 'grant_abandoned');
    if (!failed && !finished) return;
    // endAttempts counts failed attempts: a failure has just added one, a success leaves it as it was.
    const earlierFailures = failed ? next.endAttempts - 1 : next.endAttempts;
    if (failed) failures.inc();
    if (earlierFailures > 0) retries.inc();
    if (!ENDED.has(next.status)) return;
    ended.inc({ kind: next.status === 'revoked' ? 'revoke' : 'expire' });
    if (next.status === 'access_expired' && next.expiresAt !== undefined && next.endedAt !== undefined) {
      lag.observe(Math.max(0, next.endedAt - next.expiresAt) / 1000);
    }
  };

  return {
    registry,
    meter: (target) =>
      new Proxy(target, {
        get(obj, property, receiver) {
          if (property !== 'update') {
            const value = Reflect.get(obj, property, receiver) as unknown;
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
          }
          return async (expected: Pick<AccessRequest, 'id' | 'status' | 'version'>, next: AccessRequest, events: NewAuditEvent[]) => {
            const stored = await obj.update(expected, next, events);
            if (stored) observe(next, events);
            return stored;
          };
        },
      }),
    observeSweep: (seconds) => sweep.observe(seconds),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
