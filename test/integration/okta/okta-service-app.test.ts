/**
 * The OAuth 2.0 service-app mode: the real SDK signs a private_key_jwt client assertion, the stand-in's
 * token endpoint verifies it and issues a scoped access token, and the API calls carry it as Bearer.
 * Also the settings the environment must provide, and what is refused.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readOktaSettings } from '../../../scripts/adapters/okta/okta-settings.js';
import { startOktaWireServer, type OktaWireServer } from '../../../scripts/standins/okta-wire-server.js';
import { directoryFor, rejection } from './okta-helpers.js';

let server: OktaWireServer;
const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = appKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

beforeAll(async () => {
  server = await startOktaWireServer();
  server.addServiceApp({ clientId: '0oaJitApp', publicKey: appKeys.publicKey, scopes: ['okta.users.read', 'okta.groups.read'] });
  server.addServiceApp({ clientId: '0oaUsersOnly', publicKey: appKeys.publicKey, scopes: ['okta.users.read'] });
  server.addGroup('net-owners');
  server.addUser({ email: 'nia@example.com', status: 'ACTIVE' });
  server.addMember('net-owners', 'nia@example.com');
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.clearRequests();
  server.clearFaults();
});

function appEnv(extra: Record<string, string>): Record<string, string> {
  return { OKTA_ORG_URL: server.orgUrl, ...extra };
}

describe('service app (private_key_jwt)', () => {
  it('gets a token with the two read scopes and calls the API with Bearer auth (PEM key)', async () => {
    const { directory } = await directoryFor(server, { env: appEnv({ OKTA_CLIENT_ID: '0oaJitApp', OKTA_PRIVATE_KEY: privatePem }) });
    expect(await directory.isActiveMember('nia@example.com', 'net-owners')).toBe(true);

    const [tokenCall, ...apiCalls] = server.requests;
    expect(tokenCall).toMatchObject({ method: 'POST', path: '/oauth2/v1/token', status: 200 });
    expect(apiCalls.length).toBeGreaterThan(0);
    expect(apiCalls.every((r) => r.auth === 'Bearer' && r.status === 200)).toBe(true);
    // One token serves every call.
    expect(server.requests.filter((r) => r.path === '/oauth2/v1/token')).toHaveLength(1);
  });

  it('accepts the key as a JWK with literal \\n-free JSON, and a PEM with escaped newlines', async () => {
    const jwk = JSON.stringify({ ...appKeys.privateKey.export({ format: 'jwk' }), kid: 'key-1' });
    const viaJwk = await directoryFor(server, { env: appEnv({ OKTA_CLIENT_ID: '0oaJitApp', OKTA_PRIVATE_KEY: jwk }) });
    expect((await viaJwk.directory.groupMembers('net-owners')).map((p) => p.email)).toEqual(['nia@example.com']);

    const escaped = privatePem.replace(/\n/g, '\\n');
    const viaEscaped = await directoryFor(server, { env: appEnv({ OKTA_CLIENT_ID: '0oaJitApp', OKTA_PRIVATE_KEY: escaped }) });
    expect(await viaEscaped.directory.findPerson('nia@example.com')).toMatchObject({ active: true });
  });

  it('reports a key Okta does not know as okta.unauthorized naming the service-app variables', async () => {
    const wrongPem = otherKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { directory } = await directoryFor(server, { env: appEnv({ OKTA_CLIENT_ID: '0oaJitApp', OKTA_PRIVATE_KEY: wrongPem }) });
    const err = await rejection(directory.groupMembers('net-owners'));

    expect(err.code).toBe('okta.unauthorized');
    expect(err.message).toContain('OKTA_PRIVATE_KEY');
    expect(err.message).not.toContain('PRIVATE KEY-----');
    expect(server.requests.find((r) => r.path === '/oauth2/v1/token')?.status).toBe(401);
    // The SDK still sends the API call (with no valid token); the stand-in refuses it.
    expect(server.requests.filter((r) => r.path.startsWith('/api/')).every((r) => r.status === 401)).toBe(true);
  });

  it('reports an app without okta.groups.read as okta.unauthorized that names the scopes', async () => {
    const { directory } = await directoryFor(server, { env: appEnv({ OKTA_CLIENT_ID: '0oaUsersOnly', OKTA_PRIVATE_KEY: privatePem }) });
    const err = await rejection(directory.groupMembers('net-owners'));
    expect(err.code).toBe('okta.unauthorized');
    expect(err.message).toContain('okta.groups.read');
  });

  it('fetches a new token when Okta has invalidated the old one', async () => {
    const { directory } = await directoryFor(server, {
      env: appEnv({ OKTA_CLIENT_ID: '0oaJitApp', OKTA_PRIVATE_KEY: privatePem }),
      membershipCacheSeconds: 0,
    });
    expect(await directory.isActiveMember('nia@example.com', 'net-owners')).toBe(true);
    server.revokeAccessTokens();
    expect(await directory.isActiveMember('nia@example.com', 'net-owners')).toBe(true);
    expect(server.requests.filter((r) => r.path === '/oauth2/v1/token')).toHaveLength(2);
  });
});

describe('settings from the environment', () => {
  const url = 'https://example.okta.com';
  const cases: [string, Record<string, string>, string][] = [
    ['no org URL', { OKTA_API_TOKEN: 't' }, 'OKTA_ORG_URL'],
    ['an org URL that is not https', { OKTA_ORG_URL: 'http://example.okta.com', OKTA_API_TOKEN: 't' }, 'OKTA_ORG_URL'],
    ['an admin-console URL', { OKTA_ORG_URL: 'https://example-admin.okta.com', OKTA_API_TOKEN: 't' }, '-admin'],
    ['an org URL with a path', { OKTA_ORG_URL: `${url}/api/v1`, OKTA_API_TOKEN: 't' }, 'OKTA_ORG_URL'],
    ['no credential', { OKTA_ORG_URL: url }, 'OKTA_API_TOKEN'],
    ['a token and a service app', { OKTA_ORG_URL: url, OKTA_API_TOKEN: 't', OKTA_CLIENT_ID: 'c' }, 'not both'],
    ['a client id without a key', { OKTA_ORG_URL: url, OKTA_CLIENT_ID: 'c' }, 'OKTA_PRIVATE_KEY'],
    ['a key without a client id', { OKTA_ORG_URL: url, OKTA_PRIVATE_KEY: privatePem }, 'OKTA_CLIENT_ID'],
    ['a key that is not a key', { OKTA_ORG_URL: url, OKTA_CLIENT_ID: 'c', OKTA_PRIVATE_KEY: 'secret-not-a-key' }, 'OKTA_PRIVATE_KEY'],
    ['a key id with a token', { OKTA_ORG_URL: url, OKTA_API_TOKEN: 't', OKTA_KEY_ID: 'k' }, 'OKTA_KEY_ID'],
  ];
  it.each(cases)('refuses %s with a ConfigError naming the variable', (_label, env, named) => {
    let thrown: unknown;
    try {
      readOktaSettings(env);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ name: 'ConfigError', code: 'config.invalid' });
    expect((thrown as Error).message).toContain(named);
    expect((thrown as Error).message).not.toContain('secret-not-a-key');
  });

  it('refuses an EC key, which the SDK cannot use for its RS256 proofs', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => readOktaSettings({ OKTA_ORG_URL: url, OKTA_CLIENT_ID: 'c', OKTA_PRIVATE_KEY: ec })).toThrow(/RSA/);
  });

  it('reads a token setup and a service-app setup', () => {
    expect(readOktaSettings({ OKTA_ORG_URL: `${url}/`, OKTA_API_TOKEN: ' tok ' })).toEqual({
      orgUrl: url,
      credential: { kind: 'api_token', token: 'tok' },
    });
    expect(readOktaSettings({ OKTA_ORG_URL: url, OKTA_CLIENT_ID: 'c', OKTA_PRIVATE_KEY: privatePem, OKTA_KEY_ID: 'k1' }).credential).toMatchObject({
      kind: 'service_app',
      clientId: 'c',
      keyId: 'k1',
    });
  });
});
