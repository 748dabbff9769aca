/**
 * A local stand-in for Open Policy Agent's REST API, for tests and the clearly labelled local demo. It speaks
 * the parts of OPA's API the package uses, as OPA's REST API reference describes them: the Data API
 * (`PUT`/`PATCH`/`GET`/`DELETE /v1/data/{path}`, 204 on writes, 404 `resource_not_found` when deleting a
 * missing document, 400 `invalid_parameter` on malformed JSON, `If-None-Match: *` → 304), the Policy API
 * (`PUT`/`GET`/`DELETE /v1/policies/{id}`, stored as text, never compiled), and bearer-token auth (401
 * `unauthorized`) as with `--authentication=token --authorization=basic`.
 *
 * It is NOT OPA and does not evaluate Rego. Its one decision endpoint, `POST /v1/data/kubiya/tool_manager/allow`,
 * runs a JavaScript mirror of configs/enforcer/jit_grants.rego ({@link evaluateJitGrantAllow}) against its data,
 * at the time its `now` clock gives, and says so in an `X-Standin` header. Only Node's standard library is used,
 * so compiled code (the demo) can run it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received, as it arrived. */
export interface OpaWireRequest {
  method: string;
  /** The raw path and query, still URL-encoded. */
  path: string;
  /** The Authorization header, if any. */
  authorization?: string;
  /** The raw body text. */
  body: string;
  status: number;
}

/** Options for {@link startOpaWireServer}. */
export interface OpaWireServerOptions {
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** The stand-in's clock in epoch milliseconds, used by the decision endpoint; `Date.now` when omitted. */
  now?: () => number;
  /** The port to listen on (127.0.0.1); a free one when omitted or 0. A port in use rejects the start. */
  port?: number;
  /** Answers each `DELETE` (a removal) only after this long: a slow Enforcer, for shutdown and crash tests. */
  deleteDelayMs?: number;
}

/** A failure to answer the next requests with, whatever they are. */
export interface OpaWireFault {
  status: number;
  /** Body text; OPA's `{code: "internal_error", …}` when omitted. */
  body?: string;
  /** How many requests to fail; 1 when omitted. */
  times?: number;
}

/** A running stand-in. */
export interface OpaWireServer {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly url: string;
  /** The document tree, as `GET /v1/data` would return it. */
  readonly data: Record<string, unknown>;
  /** Policy modules by id, as text. */
  readonly policies: Map<string, string>;
  /** Every request received, in order. */
  readonly requests: OpaWireRequest[];
  /** Makes the next request(s) fail with this answer. */
  injectFault(fault: OpaWireFault): void;
  close(): Promise<void>;
}

const DECISION_PATH = 'kubiya/tool_manager/allow';
const STANDIN_LABEL = 'local OPA stand-in: mirrors configs/enforcer/jit_grants.rego in JavaScript; not OPA';

/** Starts the stand-in on 127.0.0.1, at an ephemeral port unless `options.port` names one. */
export async function startOpaWireServer(options: OpaWireServerOptions = {}): Promise<OpaWireServer> {
  const now = options.now ?? (() => Date.now());
  const data: Record<string, unknown> = {};
  const policies = new Map<string, string>();
  const requests: OpaWireRequest[] = [];
  const faults: Required<OpaWireFault>[] = [];

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const entry: OpaWireRequest = { method: req.method ?? 'GET', path: req.url ?? '/', body, status: 0 };
      if (req.headers.authorization !== undefined) entry.authorization = req.headers.authorization;
      requests.push(entry);
      const answer = (status: number, payload?: unknown, headers: Record<string, string> = {}): void => {
        entry.status = status;
        send(res, status, payload, headers);
      };
      const fault = faults[0];
      if (fault) {
        if (--fault.times <= 0) faults.shift();
        entry.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'application/json' }).end(fault.body);
        return;
      }
      if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
        answer(401, { code: 'unauthorized', message: 'request rejected by administrative policy' });
        return;
      }
      if (options.deleteDelayMs && req.method === 'DELETE') {
        setTimeout(() => routeSafely(req, body, answer), options.deleteDelayMs);
        return;
      }
      routeSafely(req, body, answer);
    });
  });

  function routeSafely(req: IncomingMessage, body: string, answer: (status: number, payload?: unknown, headers?: Record<string, string>) => void): void {
    try {
      route(req, body, answer);
    } catch {
      // A malformed percent-escape in the path: OPA answers such requests with 400 too.
      answer(400, { code: 'invalid_parameter', message: 'malformed request path' });
    }
  }

  function route(req: IncomingMessage, body: string, answer: (status: number, payload?: unknown, headers?: Record<string, string>) => void): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    const method = req.method ?? 'GET';
    const raw = url.pathname;
    if (raw === '/v1/data' || raw.startsWith('/v1/data/')) {
      const path = splitPath(raw.slice('/v1/data'.length));
      if (path.join('/') === DECISION_PATH && (method === 'POST' || method === 'GET')) {
        const parsed = method === 'POST' && body.trim() !== '' ? parseJson(body) : { ok: true as const, value: {} };
        if (!parsed.ok) return answer(400, { code: 'invalid_parameter', message: `body contains malformed input document: ${parsed.error}` });
        const input = isObject(parsed.value) ? parsed.value.input : undefined;
        const result = evaluateJitGrantAllow(getPath(data, ['kubiya', 'jit', 'grants']), input, now() * 1_000_000);
        return answer(200, { result }, { 'x-standin': STANDIN_LABEL });
      }
      return dataApi(method, path, raw, body, req.headers['if-none-match'], answer);
    }
    if (raw === '/v1/policies' && method === 'GET') {
      return answer(200, { result: [...policies].map(([id, text]) => ({ id, raw: text })) });
    }
    if (raw.startsWith('/v1/policies/')) {
      const id = decodeURIComponent(raw.slice('/v1/policies/'.length));
      if (method === 'PUT') {
        policies.set(id, body);
        return answer(200, {});
      }
      const text = policies.get(id);
      if (text === undefined) return answer(404, { code: 'resource_not_found', message: `storage_not_found_error: policy id ${JSON.stringify(id)}` });
      if (method === 'GET') return answer(200, { result: { id, raw: text } });
      if (method === 'DELETE') {
        policies.delete(id);
        return answer(200, {});
      }
    }
    if (raw.startsWith('/v1/')) return answer(405, { code: 'invalid_operation', message: `method ${method} not allowed on ${raw}` });
    answer(404, undefined);
  }

  function dataApi(
    method: string,
    path: string[],
    raw: string,
    body: string,
    ifNoneMatch: string | undefined,
    answer: (status: number, payload?: unknown) => void,
  ): void {
    const where = `/${path.join('/')}`;
    if (method === 'GET') {
      const value = getPath(data, path);
      return answer(200, value === undefined ? {} : { result: value });
    }
    if (method === 'DELETE') {
      if (getPath(data, path) === undefined) {
        return answer(404, { code: 'resource_not_found', message: `storage_not_found_error: ${where}: document does not exist` });
      }
      removePath(data, path);
      return answer(204);
    }
    if (method === 'PUT') {
      const parsed = parseJson(body);
      if (!parsed.ok) return answer(400, { code: 'invalid_parameter', message: `body contains malformed input document: ${parsed.error}` });
      if (ifNoneMatch === '*' && getPath(data, path) !== undefined) return answer(304);
      if (!setPath(data, path, parsed.value)) {
        return answer(404, { code: 'resource_conflict', message: `storage_write_conflict_error: ${where}: parent is not an object` });
      }
      return answer(204);
    }
    if (method === 'PATCH') return patch(path, body, answer);
    answer(405, { code: 'invalid_operation', message: `method ${method} not allowed on ${raw}` });
  }

  function patch(base: string[], body: string, answer: (status: number, payload?: unknown) => void): void {
    const parsed = parseJson(body);
    if (!parsed.ok || !Array.isArray(parsed.value)) {
      return answer(400, { code: 'invalid_parameter', message: 'body must be a JSON array of JSON Patch operations' });
    }
    for (const op of parsed.value as unknown[]) {
      if (!isObject(op) || typeof op.path !== 'string' || !['add', 'remove', 'replace'].includes(String(op.op))) {
        return answer(400, { code: 'invalid_parameter', message: `bad patch operation: ${JSON.stringify(op)}` });
      }
      const path = [...base, ...splitPath(op.path)];
      const exists = getPath(data, path) !== undefined;
      if (op.op !== 'add' && !exists) {
        return answer(404, { code: 'resource_not_found', message: `storage_not_found_error: /${path.join('/')}: document does not exist` });
      }
      if (op.op === 'remove') removePath(data, path);
      else if (!isObject(getPath(data, path.slice(0, -1))) || !setPath(data, path, op.value)) {
        return answer(404, { code: 'resource_not_found', message: `storage_not_found_error: /${path.slice(0, -1).join('/')}: document does not exist` });
      }
    }
    answer(204);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    data,
    policies,
    requests,
    injectFault: (fault) => faults.push({ body: JSON.stringify({ code: 'internal_error', message: 'injected failure' }), times: 1, ...fault }),
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/**
 * The decision of configs/enforcer/jit_grants.rego, mirrored in JavaScript: true when some grant has the
 * input's user email (lower-cased, and only when it is printable ASCII), its tool name, parameters equal to
 * the input's whole parameter object (JSON equality; none sent counts as `{}`), a numeric `expires_at_ns`,
 * and `nowNs` before it. Keep it in step with the Rego.
 */
export function evaluateJitGrantAllow(grants: unknown, input: unknown, nowNs: number): boolean {
  if (!isObject(grants) || !isObject(input)) return false;
  const user = isObject(input.user) ? input.user : {};
  const tool = isObject(input.tool) ? input.tool : undefined;
  // jit_user_email: lower(email) only when it is printable ASCII without spaces; otherwise undefined.
  const email = typeof user.email === 'string' && /^[!-~]+$/.test(user.email) ? user.email.toLowerCase() : undefined;
  // jit_run_parameters: object.get(input.tool, "parameters", {}).
  const runParams = tool === undefined ? undefined : 'parameters' in tool ? tool.parameters : {};
  if (email === undefined || tool === undefined) return false;
  return Object.values(grants).some((grant) => {
    if (!isObject(grant) || typeof grant.user_email !== 'string') return false;
    if (grant.user_email !== email || grant.tool_name !== tool.name) return false;
    if (!isObject(grant.parameters)) return false;
    // The whole parameter object must equal the approved one.
    return jsonEqual(runParams, grant.parameters) && typeof grant.expires_at_ns === 'number' && nowNs < grant.expires_at_ns;
  });
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]));
}

/** Splits a URL path into its decoded segments, as OPA does: `/a/b%2Fc` → `['a', 'b/c']`. */
function splitPath(raw: string): string[] {
  return raw
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment));
}

function getPath(root: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Creates missing parents (`mkdir -p`); false when a parent exists and is not an object. */
function setPath(root: Record<string, unknown>, path: string[], value: unknown): boolean {
  if (path.length === 0) {
    if (!isObject(value)) return false;
    for (const key of Object.keys(root)) delete root[key];
    Object.assign(root, value);
    return true;
  }
  let node: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) {
    if (!Object.hasOwn(node, key)) node[key] = {};
    const next = node[key];
    if (!isObject(next)) return false;
    node = next;
  }
  node[path[path.length - 1]!] = value;
  return true;
}

function removePath(root: Record<string, unknown>, path: string[]): void {
  if (path.length === 0) {
    for (const key of Object.keys(root)) delete root[key];
    return;
  }
  const parent = getPath(root, path.slice(0, -1));
  if (isObject(parent)) delete parent[path[path.length - 1]!];
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : 'invalid JSON' };
  }
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string>): void {
  if (payload === undefined || status === 204 || status === 304) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
