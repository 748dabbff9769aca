import type { AppContext } from '../../app/app-context.js';
import { ValidationError } from '../../core/errors.js';
import type { RequestStore } from '../../core/ports.js';
import type { JitDeps } from '../../core/use-cases/deps.js';
import { startWorkerService } from './worker-service.js';

/** The worker's service side: its HTTP endpoints, and what it counts. Inert without `--metrics-port`. */
export interface WorkerMetering {
  /** The port the endpoints listen on, when they do. */
  port?: number;
  /** The deps with their store counting what the worker writes (the same deps without `--metrics-port`). */
  meter(deps: JitDeps): JitDeps;
  observeSweep(seconds: number): void;
  close(): Promise<void>;
}

/**
 * With `--metrics-port`: serves /healthz, /readyz (the store answers, its schema is current, the worker is not
 * shutting down) and /metrics, and wraps the store so the worker's writes are counted. The wrapper is made
 * once per store, since the worker re-reads its config (and so its deps) while it runs.
 */
export async function startMetering(ctx: AppContext, port: number | undefined, host: string | undefined, accepting: () => boolean): Promise<WorkerMetering> {
  if (port === undefined) return { meter: (deps) => deps, observeSweep: () => undefined, close: async () => undefined };
  const { createWorkerMetrics } = await import('../../adapters/metrics/worker-metrics.js');
  const metrics = createWorkerMetrics(ctx.store());
  const service = await startWorkerService(port, host ?? '0.0.0.0', {
    ready: () => ctx.store().health(),
    accepting,
    metrics: () => metrics.render(),
  });
  const metered = new WeakMap<RequestStore, RequestStore>();
  return {
    port: service.port,
    meter(deps) {
      let store = metered.get(deps.store);
      if (!store) metered.set(deps.store, (store = metrics.meter(deps.store)));
      return { ...deps, store };
    },
    observeSweep: metrics.observeSweep,
    close: () => service.close(),
  };
}

/** `--metrics-port`, checked before the worker does anything else. */
export function parseMetricsPort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) throw new ValidationError('cli.bad_metrics_port', `--metrics-port must be a port number (0–65535), not "${text.slice(0, 20)}".`);
  return Number(text);
}
