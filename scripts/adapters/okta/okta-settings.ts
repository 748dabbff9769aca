/**
 * Reads the Okta connection settings from the environment: the org URL and one credential, either an API
 * token or an OAuth 2.0 service app's client id and private key. Every missing or contradictory setting is
 * a ConfigError that names the variable; no message ever repeats a secret's value.
 */
import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { ConfigError } from '../../core/errors.js';

/** The OAuth scopes the service app needs: read users and read groups, nothing more. */
export const OKTA_SCOPES = ['okta.users.read', 'okta.groups.read'] as const;

/** How the adapter authenticates to Okta. */
export type OktaCredential =
  | { kind: 'api_token'; token: string }
  | { kind: 'service_app'; clientId: string; privateKey: string; keyId?: string };

/** Where Okta is and how to authenticate. */
export interface OktaSettings {
  /** `https://example.okta.com`, no trailing slash. */
  orgUrl: string;
  credential: OktaCredential;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function readOrgUrl(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) throw new ConfigError('OKTA_ORG_URL is not set: set it to your Okta org URL, e.g. https://example.okta.com.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`OKTA_ORG_URL is not a URL (${value}): set it to your Okta org URL, e.g. https://example.okta.com.`);
  }
  // Plain http is only for a local stand-in; a real org is always https.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new ConfigError(`OKTA_ORG_URL must use https (${value}).`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`OKTA_ORG_URL must be the org's base URL with no path or query (${url.origin}, not ${value}).`);
  }
  if (/-admin\./i.test(url.hostname)) {
    throw new ConfigError(`OKTA_ORG_URL must be the org URL, not the admin console's: drop "-admin" from ${url.hostname}.`);
  }
  return url.origin;
}

/** Environment variables often carry a PEM with literal `\n`; turn them back into line breaks. */
function normalisePem(value: string): string {
  return value.includes('-----BEGIN') && value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}

function readPrivateKey(raw: string): string {
  const value = normalisePem(raw.trim());
  try {
    const key = value.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(value) as JsonWebKey, format: 'jwk' })
      : createPrivateKey(value);
    // The SDK signs its DPoP proof with RS256 whatever the key, so only RSA keys work end to end.
    if (key.asymmetricKeyType !== 'rsa') {
      throw new ConfigError('OKTA_PRIVATE_KEY must be an RSA private key (the Okta SDK signs with RS256).');
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError('OKTA_PRIVATE_KEY is not a PEM or JWK private key: paste the service app\'s private key (PEM, or the JWK JSON).');
  }
  return value;
}

/** Reads and checks OKTA_ORG_URL and the credential variables. */
export function readOktaSettings(env: Record<string, string | undefined>): OktaSettings {
  const orgUrl = readOrgUrl(env.OKTA_ORG_URL);
  const token = env.OKTA_API_TOKEN?.trim();
  const clientId = env.OKTA_CLIENT_ID?.trim();
  const privateKey = env.OKTA_PRIVATE_KEY?.trim();
  const keyId = env.OKTA_KEY_ID?.trim() || undefined;
  if (token && (clientId || privateKey)) {
    throw new ConfigError(
      'OKTA_API_TOKEN and OKTA_CLIENT_ID / OKTA_PRIVATE_KEY are both set: use either an API token or a service app, not both.',
    );
  }
  if (token) {
    if (keyId) throw new ConfigError('OKTA_KEY_ID is set but only applies to a service app (OKTA_CLIENT_ID + OKTA_PRIVATE_KEY): unset it.');
    return { orgUrl, credential: { kind: 'api_token', token } };
  }
  if (clientId && !privateKey) throw new ConfigError('OKTA_PRIVATE_KEY is not set: the service app OKTA_CLIENT_ID needs its private key.');
  if (privateKey && !clientId) throw new ConfigError('OKTA_CLIENT_ID is not set: OKTA_PRIVATE_KEY needs the service app\'s client id.');
  if (clientId && privateKey) {
    return { orgUrl, credential: { kind: 'service_app', clientId, privateKey: readPrivateKey(privateKey), ...(keyId ? { keyId } : {}) } };
  }
  throw new ConfigError(
    'OKTA_API_TOKEN is not set: set it to an Okta API token, or set OKTA_CLIENT_ID and OKTA_PRIVATE_KEY for an OAuth 2.0 service app.',
  );
}

/** The variables to check when Okta refuses the credential, for error messages. */
export function credentialVariables(settings: OktaSettings): string {
  return settings.credential.kind === 'api_token' ? 'OKTA_API_TOKEN' : 'OKTA_CLIENT_ID, OKTA_PRIVATE_KEY and OKTA_KEY_ID';
}
