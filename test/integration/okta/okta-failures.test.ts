/**
 * How OktaDirectory fails: refused credentials (without leaking them), rate limits waited out within the
 * bound and reported past it, Okta unreachable, Okta erroring. Real SDK against the stand-in.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOktaWireServer, type OktaWireServer } from '../../../scripts/standins/okta-wire-server.js';
import { directoryFor, rejection } from './okta-helpers.js';

let server: OktaWireServer;

beforeAll(async () => {
  server = await startOktaWireServer();
  server.addGroup('db-owners');
  for (const email of ['a@example.com', 'b@example.com']) {
    server.addUser({ email, status: 'ACTIVE' });
    server.addMember('db-owners', email);
  }
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.clearRequests();
  server.clearFaults();
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('credentials', () => {
  it('reports a refused API token as okta.unauthorized naming OKTA_API_TOKEN, never the token', async () => {
    const wrong = '00WRONGtokenVALUEthatMUSTnotLEAK0000000000';
    const { directory, log } = await directoryFor(server, { env: { OKTA_ORG_URL: server.orgUrl, OKTA_API_TOKEN: wrong } });
    const err = await rejection(directory.groupMembers('db-owners'));

    expect(err.code).toBe('okta.unauthorized');
    expect(err.message).toContain('OKTA_API_TOKEN');
    expect(err.message).toContain('E0000011');
    expect(err.message).not.toContain(wrong);
    expect(JSON.stringify((err as { detail?: unknown }).detail)).not.toContain(wrong);
    expect(JSON.stringify(log.lines)).not.toContain(wrong);
    expect(server.requests[0]?.auth).toBe('SSWS');
    expect(server.requests[0]?.status).toBe(401);
  });

  it('reports a 403 the same way', async () => {
    server.failNext(1, { status: 403, errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' });
    const { directory } = await directoryFor(server);
    const err = await rejection(directory.groupMembers('db-owners'));
    expect(err.code).toBe('okta.unauthorized');
    expect(err.message).toContain('OKTA_API_TOKEN');
  });
});

describe('rate limits', () => {
  it('waits out a 429 until X-Rate-Limit-Reset and then succeeds', async () => {
    const { directory, log } = await directoryFor(server, { maxRateLimitWaitSeconds: 10 });
    server.rateLimitNext(1, 1);
    const members = await directory.groupMembers('db-owners');

    expect(members.map((m) => m.email).sort()).toEqual(['a@example.com', 'b@example.com']);
    const [limited, retried] = server.requests;
    expect(limited?.status).toBe(429);
    expect(retried?.path).toBe(limited?.path);
    expect(retried?.status).toBe(200);
    // The retry came no earlier than the reset Okta announced (whole seconds after the 429's second).
    expect(Math.floor((retried?.at ?? 0) / 1000)).toBeGreaterThan(Math.floor((limited?.at ?? 0) / 1000));
    expect(log.lines.some((l) => l.level === 'warn' && /rate limit/i.test(l.message))).toBe(true);
  });

  it('fails with okta.rate_limited at once when the reset is beyond the bound', async () => {
    const { directory } = await directoryFor(server, { maxRateLimitWaitSeconds: 5 });
    server.rateLimitNext(1, 120);
    const err = await rejection(directory.groupMembers('db-owners'));

    expect(err.code).toBe('okta.rate_limited');
    expect(err.message).toMatch(/429/);
    expect(err.message).toContain('5 s');
    expect(server.requests).toHaveLength(1);
  });

  it('gives up with okta.rate_limited once the operation has used its wait budget', async () => {
    // The first wait (to a reset one second ahead) fits in 3 s; the retries keep meeting 429s until it runs out.
    const { directory } = await directoryFor(server, { maxRateLimitWaitSeconds: 3 });
    server.rateLimitNext(5, 1);
    const err = await rejection(directory.groupMembers('db-owners'));

    expect(err.code).toBe('okta.rate_limited');
    const limited = server.requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited.length).toBeLessThan(5);
    expect(server.requests.every((r) => r.status === 429)).toBe(true);
  });
});

describe('Okta down', () => {
  it('reports an unreachable org as okta.unreachable naming OKTA_ORG_URL', async () => {
    const orgUrl = `http://127.0.0.1:${await closedPort()}`;
    const { directory } = await directoryFor(server, { env: { OKTA_ORG_URL: orgUrl, OKTA_API_TOKEN: server.token } });
    const err = await rejection(directory.isActiveMember('a@example.com', 'db-owners'));

    expect(err.code).toBe('okta.unreachable');
    expect(err.message).toContain('OKTA_ORG_URL');
    expect(err.message).toContain(orgUrl);
    expect(err.message).not.toContain(server.token);
  });

  it('reports a dropped connection as okta.unreachable', async () => {
    const { directory } = await directoryFor(server);
    server.failNext(1, 'drop');
    const err = await rejection(directory.findPerson('a@example.com'));
    expect(err.code).toBe('okta.unreachable');
  });

  it('reports an Okta that does not answer within requestTimeoutMs as okta.unreachable', async () => {
    const { directory } = await directoryFor(server, { requestTimeoutMs: 300 });
    server.failNext(1, 'hang');
    const err = await rejection(directory.groupMembers('db-owners'));
    expect(err.code).toBe('okta.unreachable');
    expect(err.message).toContain('no answer in time');
  });

  it('reports an Okta server error as okta.error with Okta\'s code', async () => {
    const { directory } = await directoryFor(server);
    server.failNext(1, { status: 500, errorCode: 'E0000009', errorSummary: 'Internal Server Error' });
    const err = await rejection(directory.groupMembers('db-owners'));
    expect(err.code).toBe('okta.error');
    expect(err.message).toContain('E0000009');
  });
});
