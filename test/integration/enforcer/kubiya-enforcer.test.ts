import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KubiyaEnforcer,
  describeEnforcerRequest,
  enforcerTtl,
  listEnforcerRequests,
} from '../../../scripts/adapters/enforcer/kubiya-enforcer.js';
import { ManualClock } from '../../../scripts/core/clock.js';
import { type JitError, UpstreamError, ValidationError } from '../../../scripts/core/errors.js';
import type { EnforcerGrant } from '../../../scripts/core/ports.js';
import { startKubiyaEnforcerServer, type KubiyaEnforcerServer } from '../../../scripts/standins/kubiya-enforcer-server.js';
import { captureLog } from './log-capture.js';

const start = Date.UTC(2026, 0, 1);

async function rejection<T extends JitError>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as T;
}

describe('KubiyaEnforcer against the Kubiya Enforcer stand-in', () => {
  const clock = new ManualClock(start);
  let enforcer: KubiyaEnforcerServer;
  let deniedId: string;
  const grantFor = (id: string | undefined): EnforcerGrant => ({
    grantId: 'g-1',
    requestId: 'req-1',
    userEmail: 'alice@example.com',
    toolName: 'create_ec2',
    parameters: { region: 'eu-west-1' },
    expiresAt: start + 3_600_000 + 999,
    approvedBy: 'bob@example.com',
    enforcerRequestId: id,
  });

  beforeAll(async () => {
    enforcer = await startKubiyaEnforcerServer({ now: () => clock.now() });
    deniedId = enforcer.createDeniedRequest({ userEmail: 'alice@example.com', toolName: 'create_ec2', parameters: { region: 'eu-west-1' } });
  });
  afterAll(() => enforcer.close());

  it('describes a denied request as tool, parameters and person', async () => {
    await expect(describeEnforcerRequest(enforcer.url, deniedId)).resolves.toEqual({
      toolName: 'create_ec2',
      parameters: { region: 'eu-west-1' },
      userEmail: 'alice@example.com',
    });
  });

  it('an unknown request id is enforcer.request_not_found', async () => {
    const err = await rejection(describeEnforcerRequest(enforcer.url, 'no-such-id'), UpstreamError);
    expect(err.code).toBe('enforcer.request_not_found');
  });

  it('lists requests', async () => {
    const list = await listEnforcerRequests(enforcer.url);
    expect(list).toContainEqual({ id: deniedId, status: 'denied', toolName: 'create_ec2', parameters: { region: 'eu-west-1' }, userEmail: 'alice@example.com' });
  });

  it('approves with PUT /requests/approve {id, ttl, user_email}, the TTL in whole seconds left', async () => {
    const { log } = captureLog();
    clock.set(start);
    await new KubiyaEnforcer({ url: enforcer.url, log, clock }).allow(grantFor(deniedId));
    expect(enforcer.approvals.at(-1)).toEqual({ id: deniedId, ttl: '3600s', user_email: 'bob@example.com' });
    expect(enforcer.isAllowed(deniedId)).toBe(true);
    clock.set(start + 3_600_000);
    expect(enforcer.isAllowed(deniedId)).toBe(false);
  });

  it('records a grant asked for before any run without approving anything yet', async () => {
    const before = enforcer.approvals.length;
    const { log, lines } = captureLog();
    await new KubiyaEnforcer({ url: enforcer.url, log, clock }).allow(grantFor(undefined));
    expect(enforcer.approvals).toHaveLength(before);
    expect(lines.at(-1)?.message).toContain('denials within its scope are approved as they come');
  });

  it('approves a later denial under a grant for its remaining whole seconds, in the approver\'s name', async () => {
    clock.set(start + 600_000);
    const later = enforcer.createDeniedRequest({ userEmail: 'alice@example.com', toolName: 'create_ec2', parameters: { region: 'eu-west-1' } });
    await new KubiyaEnforcer({ url: enforcer.url, log: captureLog().log, clock }).approveDenial(later, grantFor(undefined));
    expect(enforcer.approvals.at(-1)).toEqual({ id: later, ttl: '3000s', user_email: 'bob@example.com' });
  });

  it('lists only the denials still waiting', async () => {
    const waiting = enforcer.createDeniedRequest({ userEmail: 'carol@example.com', toolName: 'create_ec2' });
    const pending = await new KubiyaEnforcer({ url: enforcer.url, log: captureLog().log, clock }).pendingDenials();
    expect(pending.map((d) => d.id)).toContain(waiting);
    expect(pending.map((d) => d.id)).not.toContain(deniedId);
    expect(pending.find((d) => d.id === waiting)).toEqual({ id: waiting, toolName: 'create_ec2', parameters: {}, userEmail: 'carol@example.com' });
  });

  it('refuses a grant with no time left', async () => {
    clock.set(start + 3_600_000 + 500);
    const err = await rejection(new KubiyaEnforcer({ url: enforcer.url, log: captureLog().log, clock }).allow(grantFor(deniedId)), ValidationError);
    expect(err.code).toBe('enforcer.grant_expired');
  });

  it('an unknown Enforcer request id on approve is enforcer.rejected with the status', async () => {
    clock.set(start);
    const err = await rejection(new KubiyaEnforcer({ url: enforcer.url, log: captureLog().log, clock }).allow(grantFor('missing')), UpstreamError);
    expect(err.code).toBe('enforcer.rejected');
    expect(err.message).toContain('HTTP 404');
    expect(err.message).toContain('request not found');
  });

  it('remove sends nothing and logs that the allow lapses at its TTL', async () => {
    const { log, lines } = captureLog();
    const before = enforcer.approvals.length;
    await new KubiyaEnforcer({ url: enforcer.url, log, clock }).remove(grantFor(deniedId));
    expect(enforcer.approvals).toHaveLength(before);
    expect(lines[0]?.message).toContain('lapses at the TTL');
  });
});

describe('enforcerTtl', () => {
  it('rounds down to whole seconds and gives nothing when none are left', () => {
    expect(enforcerTtl(start + 3_600_999, start)).toBe('3600s');
    expect(enforcerTtl(start + 1_000, start)).toBe('1s');
    expect(enforcerTtl(start + 999, start)).toBeUndefined();
    expect(enforcerTtl(start - 1, start)).toBeUndefined();
  });
});

describe('describeEnforcerRequest against a server answering in the wrong shape', () => {
  let server: Server;
  let url: string;
  let reply = '';
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(reply));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['not JSON', '<html>'],
    ['no request', '{"id":"x"}'],
    ['no user email', '{"request":{"tool":{"name":"t","parameters":{}},"user":{}}}'],
    ['parameters not an object', '{"request":{"tool":{"name":"t","parameters":"region=eu"},"user":{"email":"a@x"}}}'],
  ])('%s is enforcer.bad_response', async (_label, body) => {
    reply = body;
    const err = await rejection(describeEnforcerRequest(url, 'x'), UpstreamError);
    expect(err.code).toBe('enforcer.bad_response');
  });

  it('a list that is not an array is enforcer.bad_response', async () => {
    reply = '{"requests":"none"}';
    const err = await rejection(listEnforcerRequests(url), UpstreamError);
    expect(err.code).toBe('enforcer.bad_response');
  });
});
