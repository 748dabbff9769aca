/**
 * A local stand-in for Slack's Web API that speaks it on the wire, for tests and the clearly labelled local
 * demo: `POST /api/<method>` with a form-encoded or JSON body, the bot token from `Authorization: Bearer`
 * (or a `token` form field), errors as HTTP 200 `{"ok": false, "error": …}`, rate limits as HTTP 429 with
 * `Retry-After`, Block Kit limits enforced with `invalid_blocks`, and the external file upload flow
 * (`files.getUploadURLExternal`, a POST to the upload URL, `files.completeUploadExternal`). It is not Slack:
 * no real workspace is reached and nothing is delivered to anyone. It uses only Node's standard library, so
 * compiled code can run it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireFile } from './slack-files.js';
import { fail, SlackWorkspace, type WireMessage, type WireReply, type WireUser } from './slack-wire-state.js';

export type { WireMessage, WireUser } from './slack-wire-state.js';
export type { WireFile } from './slack-files.js';

/** One call the stand-in received: the method, its parameters (token removed) and how it answered. */
export interface WireCall {
  method: string;
  params: Record<string, unknown>;
  /** Epoch milliseconds at which the call arrived. */
  at: number;
  status: number;
  ok: boolean;
  error?: string;
  /** Set when the stand-in was told to hang and never answered this call. */
  hung?: true;
}

/** A failure to inject into the next call of a method: a Slack error, or a rate limit. */
export type WireFault = { error: string } | { status: 429; retryAfter: number };

/**
 * A test fault, not a Slack behaviour: the stand-in accepts calls and never answers them (`hang`), or answers
 * each only after `delayMs`, as a Slack or network outage looks from the client's side (Slack itself answers
 * or refuses; an outage of that kind is what makes a client wait for its timeout).
 */
export type WireDegradation = { hang: true } | { delayMs: number };

/** Options for {@link startSlackWireServer}. */
export interface SlackWireServerOptions {
  /** The bot token the stand-in accepts; a random `xoxb-standin-…` value when omitted. */
  token?: string;
  /** Channel ids the bot is a member of. */
  channels?: string[];
  users?: WireUser[];
  /** The port to listen on (127.0.0.1); a free one when omitted or 0. A port in use rejects the start. */
  port?: number;
}

/** A running stand-in. */
export interface SlackWireServer {
  /** Base URL for WebClient's `slackApiUrl`, ending in `/api/`. */
  readonly apiUrl: string;
  readonly token: string;
  /** Every message posted, in order, with its update history. */
  readonly messages: WireMessage[];
  /** Every call received, in order (POSTs to upload URLs as method `upload`). */
  readonly calls: WireCall[];
  /** Every file reserved with files.getUploadURLExternal, with its bytes once uploaded. */
  readonly files: WireFile[];
  addUser(user: WireUser): void;
  /** Adds a channel; `member: false` makes posts answer `not_in_channel`; `name` allows `#name` in posts. */
  addChannel(id: string, options?: { name?: string; member?: boolean }): void;
  /** Stores a message posted by a person, which the bot cannot update (`cant_update_message`). */
  seedMessage(channel: string, text: string, user: string): WireMessage;
  /** Makes the next call of `method` fail this way; several calls queue several failures. */
  failNext(method: string, fault: WireFault): void;
  /** TEST FAULT: hang or slow down every call to `methods` (all methods when omitted) until {@link recover}. */
  degrade(mode: WireDegradation, methods?: string[]): void;
  /** Ends a {@link degrade}: calls are answered at once again, and calls still hanging are cut. */
  recover(): void;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1, at an ephemeral port unless `options.port` names one. */
export async function startSlackWireServer(options: SlackWireServerOptions = {}): Promise<SlackWireServer> {
  const token = options.token ?? `xoxb-standin-${Math.random().toString(36).slice(2, 12)}`;
  const workspace = new SlackWorkspace();
  for (const id of options.channels ?? []) workspace.addChannel(id);
  for (const user of options.users ?? []) workspace.addUser(user);
  const calls: WireCall[] = [];
  const faults = new Map<string, WireFault[]>();
  let degradation: { mode: WireDegradation; methods?: Set<string> } | undefined;
  const hanging = new Set<ServerResponse>();
  let apiUrl = '';

  const server = createServer((req, res) => {
    void serve(req, res).catch(() => send(res, { status: 500, body: { ok: false, error: 'internal_error' } }));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // The URL files.getUploadURLExternal hands out: a ticket in the path, no token needed (as Slack's upload URLs).
    const upload = /^\/upload\/v1\/([a-z0-9-]+)$/.exec(url.pathname);
    if (upload) {
      calls.push({ method: 'upload', params: { ticket: upload[1]!, authorization: req.headers.authorization ?? null }, at: Date.now(), status: 200, ok: true });
      return workspace.files.receive(upload[1]!, req, res);
    }
    const match = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (!match) return send(res, { status: 404, body: { ok: false, error: 'unknown_method' } });
    const method = match[1]!;
    const at = Date.now();
    const parsed = await readParams(req, url);
    const { token: bodyToken, ...params } = parsed.params;
    const slow = degradation && (!degradation.methods || degradation.methods.has(method)) ? degradation.mode : undefined;
    if (slow && 'hang' in slow) {
      calls.push({ method, params: readable(params), at, status: 0, ok: false, hung: true });
      hanging.add(res);
      res.once('close', () => hanging.delete(res));
      return;
    }
    if (slow) await new Promise((resolve) => setTimeout(resolve, slow.delayMs));
    const reply = parsed.invalidJson
      ? fail('invalid_json')
      : decide(method, params, parsed.json ? undefined : bodyToken, req.headers.authorization, parsed.json);
    calls.push({ method, params: readable(params), at, status: reply.status, ok: reply.body.ok === true, ...(typeof reply.body.error === 'string' ? { error: reply.body.error } : {}) });
    send(res, reply);
  }

  function decide(method: string, params: Record<string, unknown>, bodyToken: unknown, authorization: string | undefined, json: boolean): WireReply {
    // Slack reads a JSON body's token only from the Authorization header.
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const given = bearer ?? (typeof bodyToken === 'string' ? bodyToken : undefined);
    if (!given) return fail('not_authed');
    if (given !== token) return fail('invalid_auth');
    const fault = faults.get(method)?.shift();
    if (fault && 'status' in fault) {
      return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': String(fault.retryAfter) } };
    }
    if (fault) return fail(fault.error);
    return workspace.handle(method, params, apiUrl, json);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;

  return {
    apiUrl,
    token,
    messages: workspace.messages,
    calls,
    files: workspace.files.files,
    addUser: (user) => workspace.addUser(user),
    addChannel: (id, channelOptions) => workspace.addChannel(id, channelOptions),
    seedMessage: (channel, text, user) => workspace.seedMessage(channel, text, user),
    failNext: (method, fault) => faults.set(method, [...(faults.get(method) ?? []), fault]),
    degrade: (mode, methods) => {
      degradation = { mode, ...(methods ? { methods: new Set(methods) } : {}) };
    },
    recover: () => {
      degradation = undefined;
      for (const res of hanging) res.destroy();
      hanging.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface ParsedBody {
  params: Record<string, unknown>;
  json: boolean;
  invalidJson?: boolean;
}

async function readParams(req: IncomingMessage, url: URL): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    try {
      const body: unknown = raw ? JSON.parse(raw) : {};
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return { params, json: true, invalidJson: true };
      Object.assign(params, body);
    } catch {
      return { params, json: true, invalidJson: true };
    }
    return { params, json: true };
  }
  for (const [key, value] of new URLSearchParams(raw)) params[key] = value;
  return { params, json: false };
}

/** The parameters as a test reads them: form-encoded `blocks` parsed back from its JSON string when it parses. */
function readable(params: Record<string, unknown>): Record<string, unknown> {
  if (typeof params.blocks !== 'string') return params;
  try {
    return { ...params, blocks: JSON.parse(params.blocks) as unknown };
  } catch {
    return params;
  }
}

function send(res: ServerResponse, reply: WireReply): void {
  if (res.headersSent) return;
  res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}
