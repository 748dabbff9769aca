/**
 * The HTTP skeleton the directory stand-ins (GitHub, Google Workspace, Microsoft Graph) share: a server on
 * 127.0.0.1 at an ephemeral port (plain HTTP, or HTTPS with a certificate the test trusts), a log of what
 * it was asked (never the credentials), and injected faults: an error reply, a dropped connection, or no
 * answer at all. Stand-ins for tests, the bench and the demo; nothing at run time imports them.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createVerify } from 'node:crypto';

/** One request the stand-in saw. */
export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  at: number;
}

/** What a route answers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A fault to inject into the next requests: a reply of its own, a dropped connection, or silence. */
export type Fault = Reply | 'drop' | 'hang';

/** A running stand-in. */
export interface StandinServer {
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly requests: LoggedRequest[];
  /** The next `count` requests matching `path` (a prefix or pattern; all when omitted) get `fault`. */
  failNext(count: number, fault: Fault | (() => Fault), path?: string | RegExp): void;
  clearFaults(): void;
  clearRequests(): void;
  close(): Promise<void>;
}

/** A parsed request for a route handler. */
export interface StandinRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts a stand-in whose routes are `handle`; `tls` makes it HTTPS. */
export async function startStandin(
  handle: (request: StandinRequest, baseUrl: string) => Reply | Promise<Reply>,
  options: { tls?: { cert: string; key: string }; errorReply?: (status: number, message: string) => Reply } = {},
): Promise<StandinServer> {
  const requests: LoggedRequest[] = [];
  const faults: { count: number; fault: Fault | (() => Fault); path?: string | RegExp }[] = [];
  let baseUrl = '';

  function takeFault(path: string): Fault | undefined {
    const index = faults.findIndex((f) => f.path === undefined || (typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path)));
    const next = faults[index];
    if (!next) return undefined;
    next.count -= 1;
    if (next.count <= 0) faults.splice(index, 1);
    return typeof next.fault === 'function' ? next.fault() : next.fault;
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const entry: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0, at: Date.now() };
    requests.push(entry);
    const body = await readBody(req);
    const fault = takeFault(url.pathname);
    if (fault === 'drop') {
      entry.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault === 'hang') {
      entry.status = -1;
      return;
    }
    const reply = fault ?? await handle({ method: entry.method, url, headers: req.headers, body }, baseUrl);
    entry.status = reply.status;
    const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', Date: new Date().toUTCString(), ...reply.headers });
    res.end(payload);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res).catch((err: unknown) => {
      const reply = options.errorReply?.(500, err instanceof Error ? err.message : String(err)) ?? { status: 500, body: { message: String(err) } };
      if (!res.headersSent) res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    requests,
    failNext(count, fault, path) {
      faults.push({ count, fault, ...(path !== undefined ? { path } : {}) });
    },
    clearFaults() {
      faults.length = 0;
    },
    clearRequests() {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Splits `items` into the page `page` (1-based) of `perPage`, and whether more follow. */
export function pageOf<T>(items: T[], page: number, perPage: number): { items: T[]; more: boolean } {
  const start = (page - 1) * perPage;
  return { items: items.slice(start, start + perPage), more: start + perPage < items.length };
}

/** Verifies a compact RS256 JWT with `publicKey`; returns its claims, or undefined when the signature fails. */
export function verifyRs256(token: string, publicKey: string): Record<string, unknown> | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return undefined;
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    if (head.alg !== 'RS256') return undefined;
    const ok = createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature, 'base64url'));
    return ok ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
