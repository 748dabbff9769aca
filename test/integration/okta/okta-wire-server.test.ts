/**
 * The stand-in itself, on the wire with plain fetch: the adapter's tests are only as good as its
 * faithfulness to Okta's paths, auth, pagination, limits and error shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaWireServer, type OktaWireServer } from '../../../scripts/standins/okta-wire-server.js';

let server: OktaWireServer;
let groupId: string;

beforeAll(async () => {
  server = await startOktaWireServer({ token: '00testTOKEN' });
  groupId = server.addGroup('ops');
  server.addGroup('ops-oncall');
  for (let i = 0; i < 5; i += 1) {
    server.addUser({ email: `p${i}@example.com`, status: i === 4 ? 'DEPROVISIONED' : 'ACTIVE' });
    server.addMember('ops', `p${i}@example.com`);
  }
});

afterAll(async () => {
  await server.close();
});

function get(path: string, auth = 'SSWS 00testTOKEN'): Promise<Response> {
  return fetch(`${server.orgUrl}${path}`, { headers: { Authorization: auth, Accept: 'application/json' } });
}

function links(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (res.headers.get('link') ?? '').split(/,\s*(?=<)/)) {
    const match = /^<([^>]+)>;\s*rel="(\w+)"$/.exec(part.trim());
    if (match?.[1] && match[2]) out[match[2]] = match[1];
  }
  return out;
}

describe('Okta stand-in', () => {
  it('refuses a missing or wrong token with 401 E0000011 in Okta\'s error shape', async () => {
    for (const auth of ['', 'SSWS wrong', 'Bearer not-issued']) {
      const res = await get('/api/v1/users', auth);
      expect(res.status).toBe(401);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorLink: 'E0000011', errorCauses: [] });
      expect(body.errorId).toEqual(expect.any(String));
    }
  });

  it('answers an unknown user with 404 E0000007', async () => {
    const res = await get('/api/v1/users/nobody%40example.com');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errorCode: 'E0000007', errorSummary: expect.stringContaining('nobody@example.com') });
  });

  it('pages group members with self and next links that honour limit, and sends rate-limit headers', async () => {
    const first = await get(`/api/v1/groups/${groupId}/users?limit=2`);
    expect(((await first.json()) as unknown[]).length).toBe(2);
    expect(links(first).self).toBe(`${server.orgUrl}/api/v1/groups/${groupId}/users?limit=2`);
    expect(first.headers.get('x-rate-limit-limit')).toMatch(/^\d+$/);
    expect(first.headers.get('x-rate-limit-remaining')).toMatch(/^\d+$/);
    expect(Number(first.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);

    const seen: string[] = [];
    let next: string | undefined = `/api/v1/groups/${groupId}/users?limit=2`;
    while (next) {
      const res = await get(next.replace(server.orgUrl, ''));
      seen.push(...((await res.json()) as { id: string }[]).map((u) => u.id));
      next = links(res).next;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('clamps a limit above the maximum and refuses a limit that is not a positive integer', async () => {
    const small = await startOktaWireServer({ pageLimitMax: 3 });
    try {
      small.addGroup('g');
      for (let i = 0; i < 5; i += 1) {
        small.addUser({ email: `u${i}@example.com`, status: 'ACTIVE' });
        small.addMember('g', `u${i}@example.com`);
      }
      const id = [...small.state.groups.keys()][0];
      const res = await fetch(`${small.orgUrl}/api/v1/groups/${id}/users?limit=1000`, { headers: { Authorization: `SSWS ${small.token}` } });
      expect(((await res.json()) as unknown[]).length).toBe(3);
      expect(links(res).next).toContain('limit=3');
    } finally {
      await small.close();
    }
    const bad = await get(`/api/v1/groups/${groupId}/users?limit=0`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errorCode: 'E0000001' });
  });

  it('leaves DEPROVISIONED users out of a plain listing but not out of a filter', async () => {
    const plain = (await (await get('/api/v1/users')).json()) as { status: string }[];
    expect(plain.some((u) => u.status === 'DEPROVISIONED')).toBe(false);
    const filtered = (await (await get(`/api/v1/users?filter=${encodeURIComponent('profile.email eq "p4@example.com"')}`)).json()) as { status: string }[];
    expect(filtered.map((u) => u.status)).toEqual(['DEPROVISIONED']);
  });

  it('treats q as a prefix and search eq as an exact (case-insensitive) name', async () => {
    const q = (await (await get('/api/v1/groups?q=op')).json()) as { profile: { name: string } }[];
    expect(q.map((g) => g.profile.name).sort()).toEqual(['ops', 'ops-oncall']);
    const search = (await (await get(`/api/v1/groups?search=${encodeURIComponent('profile.name eq "OPS"')}`)).json()) as { profile: { name: string } }[];
    expect(search.map((g) => g.profile.name)).toEqual(['ops']);
    const bad = await get(`/api/v1/groups?search=${encodeURIComponent('profile.name eq')}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errorCode: 'E0000031' });
  });

  it('answers a rate-limited request with 429 E0000047 and a reset in epoch seconds', async () => {
    server.rateLimitNext(1, 30);
    const res = await get('/api/v1/users');
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ errorCode: 'E0000047' });
    expect(res.headers.get('x-rate-limit-remaining')).toBe('0');
    const reset = Number(res.headers.get('x-rate-limit-reset'));
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 29);
    expect((await get('/api/v1/users')).status).toBe(200);
  });

  it('refuses a token request without a valid client assertion', async () => {
    const res = await fetch(`${server.orgUrl}/oauth2/v1/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'okta.users.read', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'a.b.c' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });
});
