import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleWorld } from '../../../scripts/demo/console-world.js';
import { ConsoleClient, tokenCall } from '../../support/console-client.js';

// Short timeouts so expiry can be seen without long waits; every test signs in afresh.
const IDLE_S = 3;
let world: ConsoleWorld;

beforeAll(async () => {
  world = await ConsoleWorld.start((config) => {
    Object.assign(config.console as Record<string, unknown>, { session_idle_timeout: `${IDLE_S}s` });
  });
}, 60_000);

afterAll(async () => {
  await world?.close();
});

const client = () => new ConsoleClient(world.baseUrl);
const whoAmI = async (c: ConsoleClient) => {
  const response = await c.fetch('/api/v1/me', { headers: { accept: 'application/json' } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

/** Runs a sign-in to the provider's callback and returns the console's answer and the client. */
async function attempt(login: string, provider = 'google') {
  const c = client();
  const authorize = await c.startSignIn(provider);
  const response = await c.callback(await ConsoleClient.loginAtProvider(authorize, login));
  return { c, response, text: await response.text() };
}

describe('sign-in refuses who the tools would refuse', () => {
  it('signs in a person the directory knows as active, with HttpOnly, Secure, SameSite cookies', async () => {
    const c = client();
    const authorize = await c.startSignIn('google');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toMatch(/.{20,}/);
    expect(authorize.searchParams.get('nonce')).toMatch(/.{20,}/);
    const response = await c.callback(await ConsoleClient.loginAtProvider(authorize, 'dev@example.com'));
    expect(response.status).toBe(303);
    const cookie = response.headers.getSetCookie().find((l) => l.includes('kjit_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await whoAmI(c)).json).toMatchObject({ email: 'dev@example.com', via: 'session' });
  });

  it('refuses an address the provider has not verified (OIDC and GitHub)', async () => {
    const oidc = await attempt('unverified@example.com');
    expect(oidc.response.status).toBe(403);
    expect(oidc.text).toContain('did not vouch that your email address is verified');
    expect((await whoAmI(oidc.c)).status).toBe(401);
    // GitHub: bob's address is this account's primary but not verified; the verified one is someone else's.
    const github = await attempt('mallory-gh', 'github');
    expect(github.response.status).toBe(403);
    expect(github.text).toContain('verified');
    expect((await whoAmI(github.c)).status).toBe(401);
  });

  it('accepts a Microsoft address only when verified (email_verified or xms_edov) and from the configured tenant', async () => {
    const dev = await attempt('dev@example.com', 'microsoft');
    expect(dev.response.status).toBe(303);
    expect((await whoAmI(dev.c)).json).toMatchObject({ email: 'dev@example.com' });
    for (const login of ['alice@example.com', 'bob@example.com']) {
      const { c, response, text } = await attempt(login, 'microsoft');
      expect(response.status, login).toBe(403);
      expect(text).toContain('did not vouch that your email address is verified');
      expect((await whoAmI(c)).status).toBe(401);
    }
  });

  it('refuses someone suspended or unknown in the directory, as KUBIYA_USER_EMAIL would be', async () => {
    for (const login of ['sus@example.com', 'outsider@example.com']) {
      const { c, response, text } = await attempt(login);
      expect(response.status, login).toBe(403);
      expect(text).toContain('not an active person in the directory');
      expect((await whoAmI(c)).status).toBe(401);
    }
  });

  it('refuses a callback whose state is not this browser\'s, or whose code was issued for another PKCE challenge', async () => {
    const c = client();
    const first = await c.startSignIn('google');
    await c.startSignIn('google'); // the browser's flow is now the second one
    const back = await ConsoleClient.loginAtProvider(first, 'dev@example.com');
    const stateMismatch = await c.callback(back);
    expect(stateMismatch.status).toBeGreaterThanOrEqual(400);
    expect((await whoAmI(c)).status).toBe(401);

    const c2 = client();
    const one = await c2.startSignIn('google');
    const two = await c2.startSignIn('google');
    const code = (await ConsoleClient.loginAtProvider(one, 'dev@example.com')).searchParams.get('code')!;
    const forged = new URL(`/auth/google/callback?code=${code}&state=${two.searchParams.get('state')}&iss=${encodeURIComponent(world.oidc.issuer)}`, world.baseUrl);
    const pkceMismatch = await c2.callback(forged);
    expect(pkceMismatch.status).toBeGreaterThanOrEqual(400);
    expect(await pkceMismatch.text()).toContain('code exchange');
    expect((await whoAmI(c2)).status).toBe(401);
  });

  it('refuses a callback that did not start in this browser, and a code used twice', async () => {
    const c = client();
    const back = await ConsoleClient.loginAtProvider(await c.startSignIn('google'), 'dev@example.com');
    expect((await c.callback(back)).status).toBe(303);
    const thief = client();
    const again = await thief.startSignIn('google');
    back.searchParams.set('state', again.searchParams.get('state')!);
    const replayed = await thief.callback(back);
    expect(replayed.status).toBeGreaterThanOrEqual(400);
    expect(await replayed.text()).toContain('code exchange');
    expect((await whoAmI(thief)).status).toBe(401);
    const victim = client();
    const authorize = await client().startSignIn('google'); // started by an attacker
    const planted = await victim.callback(await ConsoleClient.loginAtProvider(authorize, 'alice@example.com'));
    expect(planted.status).toBe(400);
    expect(await planted.text()).toContain('did not start here');
    expect((await whoAmI(victim)).status).toBe(401);
  });

  it('refuses an id_token signed with another key, for another audience, or with another nonce', async () => {
    for (const bad of ['sign_with_other_key', 'wrong_audience', 'wrong_nonce'] as const) {
      const c = client();
      const authorize = await c.startSignIn('google');
      const back = await ConsoleClient.loginAtProvider(authorize, 'dev@example.com');
      world.oidc.misbehave(bad);
      const response = await c.callback(back);
      expect(response.status, bad).toBeGreaterThanOrEqual(400);
      expect((await whoAmI(c)).status, bad).toBe(401);
    }
  });

  it('goes on only to a path on the console after sign-in (no open redirect)', async () => {
    for (const next of ['https://evil.example/steal', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/%0d%0aLocation:%20https://evil.example']) {
      const c = client();
      const authorize = await c.startSignIn('google', next);
      const response = await c.callback(await ConsoleClient.loginAtProvider(authorize, 'dev@example.com'));
      const location = new URL(response.headers.get('location')!, world.baseUrl);
      expect(location.origin, next).toBe(world.baseUrl);
    }
    const c = client();
    const response = await c.callback(await ConsoleClient.loginAtProvider(await c.startSignIn('google', '/approvals?tool_name=create_ec2'), 'dev@example.com'));
    expect(response.headers.get('location')).toBe('/approvals?tool_name=create_ec2');
  });
});

describe('sessions', () => {
  it('refuses a forged or tampered session cookie', async () => {
    const { c } = await attempt('dev@example.com');
    const [name, value] = [...c.cookies].find(([k]) => k.includes('kjit_session'))!;
    const tampered = client();
    tampered.cookies.set(name, value.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a')));
    expect((await whoAmI(tampered)).status).toBe(401);
    const forged = client();
    forged.cookies.set(name, 'kjit_s_0123456789abcdef.c2lnbmF0dXJl');
    expect((await whoAmI(forged)).status).toBe(401);
    const page = await forged.fetch('/approvals');
    expect([302, 303]).toContain(page.status);
    expect(page.headers.get('location')).toContain('/signin');
  });

  it('ends a session at sign-out, and after the idle timeout', async () => {
    const { c } = await attempt('dev@example.com');
    const kept = new Map(c.cookies);
    expect((await c.form('/auth/signout', {})).status).toBe(303);
    const replay = client();
    for (const [k, v] of kept) replay.cookies.set(k, v);
    expect((await whoAmI(replay)).status).toBe(401);

    const idle = (await attempt('dev@example.com')).c;
    expect((await whoAmI(idle)).status).toBe(200);
    await sleep(IDLE_S * 1000 + 700);
    const after = await whoAmI(idle);
    expect(after.status).toBe(401);
    expect(after.json.code).toBe('auth.required');
  });
});

describe('personal API tokens', () => {
  it('acts as their owner only, needs no CSRF token, and stops working once revoked', async () => {
    const { c: dev } = await attempt('dev@example.com');
    const { id, secret } = await dev.createToken('ci');
    expect(secret).toMatch(/^kjit_/);
    const me = await tokenCall(world.baseUrl, secret, 'GET', '/api/v1/me');
    expect(me.json).toMatchObject({ email: 'dev@example.com', via: 'token' });

    const made = await tokenCall(world.baseUrl, secret, 'POST', '/api/v1/requests', { tool_name: 'create_ec2', tool_params: { region: 'eu-west-1' }, justification: 'from CI' });
    expect(made.status).toBe(201);
    const requestId = String(made.json.request_id);
    // The token is dev's: it cannot approve dev's own request, and cannot be used to ask for someone else.
    const selfApproval = await tokenCall(world.baseUrl, secret, 'POST', `/api/v1/requests/${requestId}/decision`, { approval_action: 'approve' });
    expect(selfApproval.json.code).toBe('approval.self_approval');
    const onBehalf = await tokenCall(world.baseUrl, secret, 'POST', '/api/v1/requests', { tool_name: 'create_ec2', tool_params: { region: 'eu-west-1' }, justification: 'x', user_email: 'alice@example.com' });
    expect(onBehalf.status).toBe(403);
    // Another person's token cannot end dev's request.
    const { c: alice } = await attempt('alice@example.com');
    const aliceToken = (await alice.createToken('alice-ci')).secret;
    const cancelOther = await tokenCall(world.baseUrl, aliceToken, 'POST', `/api/v1/requests/${requestId}/cancel`, {});
    expect(cancelOther.status).toBe(403);
    // Nor revoke dev's token from alice's session.
    expect((await alice.form(`/tokens/${id}/revoke`, {})).status).toBeGreaterThanOrEqual(400);
    expect((await tokenCall(world.baseUrl, secret, 'GET', '/api/v1/me')).status).toBe(200);

    expect((await dev.form(`/tokens/${id}/revoke`, {})).status).toBe(303);
    const after = await tokenCall(world.baseUrl, secret, 'GET', '/api/v1/me');
    expect(after.status).toBe(401);
    expect(after.json.code).toBe('auth.invalid_token');
    const cancelAfter = await tokenCall(world.baseUrl, secret, 'POST', `/api/v1/requests/${requestId}/cancel`, {});
    expect(cancelAfter.status).toBe(401);
  });

  it('expires, and is kept only as a hash', async () => {
    const { c } = await attempt('dev@example.com');
    const { secret } = await c.createToken('short', '2s');
    expect((await tokenCall(world.baseUrl, secret, 'GET', '/api/v1/me')).status).toBe(200);
    const db = new Database(join(world.dir, 'jit.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT * FROM credentials WHERE kind = 'token'").all();
      expect(JSON.stringify(rows)).not.toContain(secret);
      expect(JSON.stringify(rows)).not.toContain(secret.slice(-20));
    } finally {
      db.close();
    }
    await sleep(2300);
    expect((await tokenCall(world.baseUrl, secret, 'GET', '/api/v1/me')).status).toBe(401);
  });

  it('refuses a malformed or unknown bearer token without falling back to the session', async () => {
    const { c } = await attempt('dev@example.com');
    const response = await c.fetch('/api/v1/me', { headers: { authorization: 'Bearer kjit_notarealtokenatall0000' } });
    expect(response.status).toBe(401);
    expect((await tokenCall(world.baseUrl, 'short', 'GET', '/api/v1/me')).status).toBe(401);
  });
});
