/**
 * A fault-injecting HTTP proxy for tests and chaos runs, placed between the AWS SDK and moto (or any HTTP
 * server): it forwards every call unchanged except the ones a rule matches, which it can hold until released,
 * delay, fail with the service's own error shape, throttle, or cut. It is a test instrument of ours, not a
 * stand-in for a vendor: what answers the calls it lets through is the real server behind it.
 *
 * Rules match by AWS service (from the SigV4 credential scope) and action (the query protocol's `Action=`
 * for IAM and STS, the `X-Amz-Target` header for the JSON services such as sso-admin and identitystore).
 * A rule applies to the next `times` matching calls, or to every matching call within `[fromMs, untilMs)`.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { awsErrorResponse, type AwsErrorShape } from './fault-responses.js';

/** What a rule does to a call it matches. */
export type FaultEffect =
  | { kind: 'hold' }
  | { kind: 'delay'; ms: number }
  | { kind: 'fail'; error?: AwsErrorShape }
  | { kind: 'throttle'; retryAfterSeconds?: number }
  | { kind: 'cut' };

/** Which calls a rule applies to, and for how long. */
export interface FaultRule {
  /** The AWS service signing name (`iam`, `sso`, `identitystore`, `sts`); any when absent. */
  service?: string;
  /** The action (`GetRole`, `UpdateAssumeRolePolicy`, `CreateAccountAssignment`); a RegExp matches a family. */
  action?: string | RegExp;
  effect: FaultEffect;
  /** Applies to this many matching calls, then lapses. */
  times?: number;
  /** Applies only from this instant (epoch ms). */
  fromMs?: number;
  /** Applies only before this instant (epoch ms). */
  untilMs?: number;
}

/** One call the proxy saw, in arrival order. */
export interface ProxiedCall {
  service: string;
  action: string;
  at: number;
  /** What the proxy did: `forwarded`, or the effect's kind. */
  outcome: string;
  /** The status the client received (0 when the connection was cut). */
  status: number;
}

/** A call being held by a `hold` rule. */
export interface HeldCall {
  service: string;
  action: string;
  /** Lets the call through to the server. */
  release(): void;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:PORT`: give it to the SDK as its endpoint (`AWS_ENDPOINT_URL`). */
  readonly url: string;
  /** Adds a rule; returns a function that removes it. Rules are checked in the order they were added. */
  addRule(rule: FaultRule): () => void;
  /** Removes every rule (held calls stay held until released). */
  clearRules(): void;
  /** Every call so far. */
  calls(): ProxiedCall[];
  /** Calls held now. */
  held(): HeldCall[];
  /** Resolves once at least `count` calls are held (rejects after `timeoutMs`). */
  waitForHeld(count: number, timeoutMs?: number): Promise<HeldCall[]>;
  /** Releases every held call. */
  releaseAll(): void;
  stop(): Promise<void>;
}

interface LiveRule extends FaultRule {
  remaining: number;
}

/** Starts a proxy on a free loopback port that forwards to `target` (e.g. moto's endpoint). */
export async function startFaultProxy(target: string, options: { now?: () => number } = {}): Promise<FaultProxy> {
  const now = options.now ?? Date.now;
  const upstream = new URL(target);
  const rules: LiveRule[] = [];
  const log: ProxiedCall[] = [];
  const heldCalls = new Set<HeldCall>();
  const heldWaiters = new Set<() => void>();

  const pick = (service: string, action: string): FaultEffect | undefined => {
    const at = now();
    for (const rule of rules) {
      if (rule.remaining <= 0) continue;
      if (rule.service && rule.service !== service) continue;
      if (rule.action && !(typeof rule.action === 'string' ? rule.action === action : rule.action.test(action))) continue;
      if (rule.fromMs !== undefined && at < rule.fromMs) continue;
      if (rule.untilMs !== undefined && at >= rule.untilMs) continue;
      rule.remaining -= 1;
      return rule.effect;
    }
    return undefined;
  };

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, record: ProxiedCall) => {
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        record.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      record.status = 502;
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    out.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const service = serviceOf(req);
      const action = actionOf(req, body);
      const effect = pick(service, action);
      const record: ProxiedCall = { service, action, at: now(), outcome: effect?.kind ?? 'forwarded', status: 0 };
      log.push(record);
      const json = Boolean(req.headers['x-amz-target']) || String(req.headers['content-type'] ?? '').includes('json');
      switch (effect?.kind) {
        case undefined:
          return forward(req, body, res, record);
        case 'delay':
          setTimeout(() => forward(req, body, res, record), effect.ms);
          return;
        case 'hold': {
          const held: HeldCall = {
            service,
            action,
            release: () => {
              if (!heldCalls.delete(held)) return;
              forward(req, body, res, record);
            },
          };
          heldCalls.add(held);
          heldWaiters.forEach((wake) => wake());
          return;
        }
        case 'cut':
          req.socket.destroy();
          return;
        case 'fail':
        case 'throttle': {
          const error: AwsErrorShape =
            effect.kind === 'throttle'
              ? { status: 400, code: json ? 'ThrottlingException' : 'Throttling', message: 'Rate exceeded', retryAfterSeconds: effect.retryAfterSeconds }
              : (effect.error ?? { status: 500, code: json ? 'InternalServerException' : 'ServiceFailure', message: 'Injected failure' });
          const answer = awsErrorResponse(error, json);
          record.status = answer.status;
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
          return;
        }
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    addRule(rule) {
      const live: LiveRule = { ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY };
      rules.push(live);
      return () => {
        const index = rules.indexOf(live);
        if (index !== -1) rules.splice(index, 1);
      };
    },
    clearRules: () => void rules.splice(0, rules.length),
    calls: () => [...log],
    held: () => [...heldCalls],
    async waitForHeld(count, timeoutMs = 30_000) {
      if (heldCalls.size >= count) return [...heldCalls];
      return new Promise<HeldCall[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          heldWaiters.delete(check);
          reject(new Error(`fault proxy: ${heldCalls.size} of ${count} calls held after ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (heldCalls.size < count) return;
          clearTimeout(timer);
          heldWaiters.delete(check);
          resolve([...heldCalls]);
        };
        heldWaiters.add(check);
      });
    },
    releaseAll: () => [...heldCalls].forEach((held) => held.release()),
    async stop() {
      [...heldCalls].forEach((held) => held.release());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The SigV4 signing name from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/SERVICE/aws4_request`. */
function serviceOf(req: IncomingMessage): string {
  return /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
}

/** The action: `X-Amz-Target: Service.Action` (JSON protocols) or `Action=` in the form body or query string. */
function actionOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  const query = new URL(req.url ?? '/', 'http://proxy').searchParams.get('Action');
  if (query) return query;
  if (String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')) {
    return new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
  }
  return '';
}
