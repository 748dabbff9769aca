import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publicReason } from '../../core/errors.js';

/** What the worker's HTTP endpoints report. */
export interface WorkerProbes {
  /** Resolves when the worker can do its job (store reachable, schema current); rejects with the reason. */
  ready(): Promise<void>;
  /** False once the worker is shutting down: it finishes the removal in progress and takes no new work. */
  accepting(): boolean;
  /** Prometheus exposition. */
  metrics(): Promise<{ contentType: string; body: string }>;
}

/** A running service endpoint. */
export interface WorkerService {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `/healthz` (the process answers), `/readyz` (the store is reachable, its migrations current, and the
 * worker not shutting down) and `/metrics`, for Kubernetes probes and Prometheus. Readiness reasons are the
 * package's own error messages, which never hold a secret.
 */
export async function startWorkerService(port: number, host: string, probes: WorkerProbes): Promise<WorkerService> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { status: 'method not allowed' });
    if (path === '/healthz') return send(200, { status: 'ok' });
    if (path === '/readyz') {
      if (!probes.accepting()) return send(503, { status: 'shutting down' });
      probes.ready().then(
        () => send(200, { status: 'ready' }),
        (err: unknown) => send(503, { status: 'not ready', reason: publicReason(err, 'the store check failed (see the worker log)') }),
      );
      return;
    }
    if (path === '/metrics') {
      probes.metrics().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'Content-Type': contentType });
          res.end(body);
        },
        () => send(500, { status: 'metrics unavailable' }),
      );
      return;
    }
    send(404, { status: 'not found', paths: ['/healthz', '/readyz', '/metrics'] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
