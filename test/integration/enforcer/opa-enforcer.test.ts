import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpaEnforcer, opaGrantPath } from '../../../scripts/adapters/enforcer/opa-enforcer.js';
import { isJitError, UpstreamError } from '../../../scripts/core/errors.js';
import type { EnforcerGrant } from '../../../scripts/core/ports.js';
import { startOpaWireServer, type OpaWireServer } from '../../../scripts/standins/opa-wire-server.js';
import { captureLog } from './log-capture.js';

const grant: EnforcerGrant = {
  grantId: 'grant-1',
  requestId: 'req-1',
  userEmail: 'alice@example.com',
  toolName: 'create_ec2',
  parameters: { region: 'eu-west-1', count: 2, tags: ['a', 'b'] },
  // 2026-01-01T01:00:00.123Z: milliseconds times 10^6 is not a safe integer, so exactness is tested.
  expiresAt: Date.UTC(2026, 0, 1, 1, 0, 0, 123),
  approvedBy: 'bob@example.com',
};

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

describe('OpaEnforcer against the OPA wire stand-in', () => {
  let opa: OpaWireServer;
  beforeAll(async () => {
    opa = await startOpaWireServer();
  });
  afterAll(() => opa.close());
  beforeEach(() => {
    for (const key of Object.keys(opa.data)) delete opa.data[key];
    opa.requests.length = 0;
  });

  it('writes the exact grant document at /v1/data/kubiya/jit/grants/{grantId}', async () => {
    const { log } = captureLog();
    await new OpaEnforcer({ url: `${opa.url}/`, log }).allow(grant);

    expect(opa.requests).toHaveLength(1);
    const [put] = opa.requests;
    expect(put).toMatchObject({ method: 'PUT', path: '/v1/data/kubiya/jit/grants/grant-1', status: 204 });
    expect(put!.authorization).toBeUndefined();
    expect(JSON.parse(put!.body)).toEqual({
      user_email: 'alice@example.com',
      tool_name: 'create_ec2',
      parameters: { region: 'eu-west-1', count: 2, tags: ['a', 'b'] },
      expires_at_ns: grant.expiresAt * 1_000_000,
      expires_at: '2026-01-01T01:00:00.123Z',
      request_id: 'req-1',
      approved_by: 'bob@example.com',
    });
    // On the wire the nanoseconds are an exact JSON integer, which OPA keeps at full precision.
    expect(put!.body).toContain(`"expires_at_ns":${(BigInt(grant.expiresAt) * 1_000_000n).toString()},`);
    expect(opa.data).toEqual({ kubiya: { jit: { grants: { 'grant-1': JSON.parse(put!.body) } } } });
  });

  it('writing the same grant twice leaves one document', async () => {
    const enforcer = new OpaEnforcer({ url: opa.url, log: captureLog().log });
    await enforcer.allow(grant);
    await enforcer.allow(grant);
    expect(Object.keys((opa.data as { kubiya: { jit: { grants: object } } }).kubiya.jit.grants)).toEqual(['grant-1']);
  });

  it('URL-encodes the grant id as one path segment', async () => {
    const odd = { ...grant, grantId: 'a/b c?d#e' };
    const enforcer = new OpaEnforcer({ url: opa.url, log: captureLog().log });
    await enforcer.allow(odd);
    expect(opa.requests[0]!.path).toBe('/v1/data/kubiya/jit/grants/a%2Fb%20c%3Fd%23e');
    expect(opaGrantPath(odd.grantId)).toBe('/v1/data/kubiya/jit/grants/a%2Fb%20c%3Fd%23e');
    expect(Object.keys((opa.data as { kubiya: { jit: { grants: object } } }).kubiya.jit.grants)).toEqual(['a/b c?d#e']);
    await enforcer.remove(odd);
    expect(opa.data).toEqual({ kubiya: { jit: { grants: {} } } });
  });

  it('remove deletes the document, and removing it again is success', async () => {
    const { log, lines } = captureLog();
    const enforcer = new OpaEnforcer({ url: opa.url, log });
    await enforcer.allow(grant);
    await enforcer.remove(grant);
    expect(opa.requests[1]).toMatchObject({ method: 'DELETE', path: '/v1/data/kubiya/jit/grants/grant-1', status: 204 });
    expect(opa.data).toEqual({ kubiya: { jit: { grants: {} } } });

    await enforcer.remove(grant);
    expect(opa.requests[2]).toMatchObject({ method: 'DELETE', status: 404 });
    expect(lines.map((l) => l.message)).toContain('enforcer allow already gone');
  });

  it('a 404 that is not OPA saying "resource_not_found" is an error, not a removal', async () => {
    opa.injectFault({ status: 404, body: '404 page not found' });
    const err = await rejection(new OpaEnforcer({ url: opa.url, log: captureLog().log }).remove(grant));
    expect(err.code).toBe('enforcer.rejected');
    expect(err.message).toContain('HTTP 404');
  });

  it('a 5xx becomes enforcer.server_error naming the URL setting, the status and OPA\'s error', async () => {
    opa.injectFault({ status: 500, body: JSON.stringify({ code: 'internal_error', message: 'storage unavailable' }) });
    const err = await rejection(new OpaEnforcer({ url: opa.url, log: captureLog().log }).allow(grant));
    expect(err.code).toBe('enforcer.server_error');
    expect(err.message).toContain('enforcer.url');
    expect(err.message).toContain('HTTP 500');
    expect(err.message).toContain('internal_error: storage unavailable');
    expect(err.message).not.toMatch(/\n\s+at /);
  });

  it('a write conflict (OPA 404 on PUT) is an error', async () => {
    opa.data.kubiya = 'not an object';
    const err = await rejection(new OpaEnforcer({ url: opa.url, log: captureLog().log }).allow(grant));
    expect(err.code).toBe('enforcer.rejected');
    expect(err.message).toContain('resource_conflict');
  });
});

describe('OpaEnforcer with token authentication', () => {
  const token = 'opa-secret-token-7f3a';
  let opa: OpaWireServer;
  beforeAll(async () => {
    opa = await startOpaWireServer({ token });
  });
  afterAll(() => opa.close());

  it('sends the bearer token and is accepted', async () => {
    await new OpaEnforcer({ url: opa.url, token, log: captureLog().log }).allow(grant);
    expect(opa.requests.at(-1)).toMatchObject({ authorization: `Bearer ${token}`, status: 204 });
  });

  it('a wrong token gives enforcer.unauthorized without the token in the message', async () => {
    const wrong = 'wrong-token-91ab';
    const err = await rejection(new OpaEnforcer({ url: opa.url, token: wrong, log: captureLog().log }).allow(grant));
    expect(err.code).toBe('enforcer.unauthorized');
    expect(err.message).toContain('HTTP 401');
    expect(err.message).toContain('unauthorized');
    expect(err.message).not.toContain(wrong);
    expect(JSON.stringify(err.detail)).not.toContain(wrong);
  });

  it('a server that echoes the token in its error never gets it into the message', async () => {
    opa.injectFault({ status: 503, body: JSON.stringify({ code: 'internal_error', message: `bad header Bearer ${token}` }) });
    const err = await rejection(new OpaEnforcer({ url: opa.url, token, log: captureLog().log }).allow(grant));
    expect(err.code).toBe('enforcer.server_error');
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain(token);
  });
});

describe('OpaEnforcer when OPA cannot be reached', () => {
  let silent: Server;
  let silentUrl: string;
  beforeAll(async () => {
    // Accepts connections and never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    silent.closeAllConnections();
    return new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('a refused connection is enforcer.unreachable, naming the setting and no credentials', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const err = await rejection(
      new OpaEnforcer({ url: `http://127.0.0.1:${port}`, token: 'tok-secret', log: captureLog().log }).allow(grant),
    );
    expect(err.code).toBe('enforcer.unreachable');
    expect(isJitError(err)).toBe(true);
    expect(err.message).toContain('connection refused');
    expect(err.message).toContain('ENFORCER_URL');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).not.toContain('tok-secret');
  });

  it('a URL with a password in it fails without showing the password', async () => {
    const err = await rejection(new OpaEnforcer({ url: `http://admin:hunter2@127.0.0.1:1`, log: captureLog().log }).allow(grant));
    expect(err.code).toBe('enforcer.unreachable');
    expect(err.message).not.toContain('hunter2');
  });

  it('no answer within the deadline is enforcer.unreachable', async () => {
    const err = await rejection(new OpaEnforcer({ url: silentUrl, log: captureLog().log, timeoutMs: 100 }).remove(grant));
    expect(err.code).toBe('enforcer.unreachable');
    expect(err.message).toContain('no answer within 100 ms');
  });
});
