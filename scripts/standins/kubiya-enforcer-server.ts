/**
 * A local stand-in for the Kubiya Enforcer's request API (KUBIYA.md §4), for tests and the clearly labelled
 * local demo: `GET /requests/describe/{id}`, `GET /requests/list` and `PUT /requests/approve` with
 * `{id, ttl, user_email}`, without auth, as the in-cluster Enforcer serves them. The Enforcer's source is
 * not public: the describe shape is the documented one, the list shape and the error bodies are this
 * stand-in's guesses. It is NOT the Enforcer and decides nothing; it records approvals so a test can read
 * them. Denied requests are created with {@link KubiyaEnforcerServer.createDeniedRequest}, standing in for
 * the Enforcer denying a tool run, or with {@link KubiyaEnforcerServer.attemptRun}, which stands in for the
 * tool manager asking the Enforcer about a run (`POST /enforce`, whose wire shape is not public, so it is a
 * method here, not a route): a run an approved, unexpired request of the same person, tool and parameters
 * covers is allowed; any other is denied with a new request id. How the real Enforcer matches a later run to
 * an approval is not public either; this is the stand-in's reading (exact tool and parameters, the address
 * compared without regard to ASCII case). Only Node's standard library is used, so compiled code can run it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tool run the stand-in "denied". */
export interface DeniedRequest {
  id: string;
  userEmail: string;
  toolName: string;
  parameters: Record<string, unknown>;
  status: 'denied' | 'approved';
  /** Set on approval: who approved, the TTL as sent, and until when (epoch ms, from the stand-in's clock). */
  approvedBy?: string;
  ttl?: string;
  approvedUntil?: number;
}

/** A running stand-in. */
export interface KubiyaEnforcerServer {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly url: string;
  /** Requests by id. */
  readonly denied: Map<string, DeniedRequest>;
  /** Every `PUT /requests/approve` body received, parsed. */
  readonly approvals: unknown[];
  /** Records a denied tool run and returns its id, as the Enforcer's "Access denied. Request ID: …". */
  createDeniedRequest(run: { userEmail: string; toolName: string; parameters?: Record<string, unknown> }): string;
  /** Whether the request is approved and its TTL has not run out at the stand-in's clock. */
  isAllowed(id: string): boolean;
  /** The tool manager asking about a run: allowed under an approved request, else denied with a new request id. */
  attemptRun(run: { userEmail: string; toolName: string; parameters?: Record<string, unknown> }): { allowed: boolean; requestId: string };
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 at an ephemeral port. `now` is its clock (epoch ms). */
export async function startKubiyaEnforcerServer(options: { now?: () => number } = {}): Promise<KubiyaEnforcerServer> {
  const now = options.now ?? (() => Date.now());
  const denied = new Map<string, DeniedRequest>();
  const approvals: unknown[] = [];

  const describe = (r: DeniedRequest): Record<string, unknown> => ({
    id: r.id,
    status: r.status,
    request: { tool: { name: r.toolName, parameters: r.parameters }, user: { email: r.userEmail } },
  });

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const json = (status: number, payload: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      };
      const path = new URL(req.url ?? '/', 'http://standin').pathname;
      if (req.method === 'GET' && path.startsWith('/requests/describe/')) {
        const found = denied.get(safeDecode(path.slice('/requests/describe/'.length)));
        return found ? json(200, describe(found)) : json(404, { error: 'request not found' });
      }
      if (req.method === 'GET' && path === '/requests/list') return json(200, [...denied.values()].map(describe));
      if (req.method === 'PUT' && path === '/requests/approve') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          return json(400, { error: 'body is not JSON' });
        }
        approvals.push(parsed);
        const { id, ttl, user_email: approver } = (parsed ?? {}) as Record<string, unknown>;
        const ttlMs = typeof ttl === 'string' ? parseGoDuration(ttl) : undefined;
        if (typeof id !== 'string' || typeof approver !== 'string' || approver === '' || ttlMs === undefined) {
          return json(400, { error: 'expected {"id": string, "ttl": duration such as "3600s", "user_email": string}' });
        }
        const found = denied.get(id);
        if (!found) return json(404, { error: 'request not found' });
        Object.assign(found, { status: 'approved', approvedBy: approver, ttl, approvedUntil: now() + ttlMs });
        return json(200, { id, status: 'approved' });
      }
      json(404, { error: `no route for ${req.method ?? 'GET'} ${path}` });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    denied,
    approvals,
    createDeniedRequest(run) {
      const id = randomUUID();
      denied.set(id, { id, userEmail: run.userEmail, toolName: run.toolName, parameters: run.parameters ?? {}, status: 'denied' });
      return id;
    },
    isAllowed(id) {
      const found = denied.get(id);
      return found?.status === 'approved' && found.approvedUntil !== undefined && now() < found.approvedUntil;
    },
    attemptRun(run) {
      const parameters = run.parameters ?? {};
      const covering = [...denied.values()].find(
        (r) =>
          r.status === 'approved' &&
          r.approvedUntil !== undefined &&
          now() < r.approvedUntil &&
          asciiLower(r.userEmail) === asciiLower(run.userEmail) &&
          r.toolName === run.toolName &&
          sameJson(r.parameters, parameters),
      );
      if (covering) return { allowed: true, requestId: covering.id };
      const id = randomUUID();
      denied.set(id, { id, userEmail: run.userEmail, toolName: run.toolName, parameters, status: 'denied' });
      return { allowed: false, requestId: id };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** Milliseconds in a Go duration string such as `3600s`, `1h30m`, `45m`; undefined when not one. */
export function parseGoDuration(text: string): number | undefined {
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  const total = parts.reduce((sum, p) => sum + Number(p[1]) * unitMs[p[2]!]!, 0);
  return total > 0 ? total : undefined;
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
