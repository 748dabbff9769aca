/**
 * The OAuth 2.0 side of the Okta stand-in: the org authorization server's token endpoint for service apps
 * (client credentials with a `private_key_jwt` client assertion, as the Okta SDK sends it) and the access
 * tokens it issues, with their scopes.
 */
import { createPublicKey, KeyObject, randomBytes, verify, type JsonWebKey } from 'node:crypto';

/** A registered service app: who it is, its public key, the scopes granted to it. */
interface ServiceApp {
  clientId: string;
  publicKey: KeyObject;
  scopes: Set<string>;
}

/** What the token endpoint answers: an HTTP status and a JSON body. */
export interface TokenReply {
  status: number;
  body: Record<string, unknown>;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const TOKEN_LIFETIME_SECONDS = 3600;

function oauthError(status: number, error: string, description: string): TokenReply {
  return { status, body: { error, error_description: description } };
}

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (!segment) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Service apps, the token endpoint and issued access tokens. */
export class OktaOAuth {
  private readonly apps = new Map<string, ServiceApp>();
  private readonly tokens = new Map<string, { clientId: string; scopes: Set<string>; expiresAt: number }>();
  private readonly usedJtis = new Set<string>();

  constructor(private readonly tokenUrl: () => string) {}

  /** Registers a service app with its public key (PEM, JWK or KeyObject) and granted scopes. */
  addServiceApp(app: { clientId: string; publicKey: string | JsonWebKey | KeyObject; scopes: string[] }): void {
    const key =
      app.publicKey instanceof KeyObject
        ? app.publicKey.type === 'public'
          ? app.publicKey
          : createPublicKey(app.publicKey)
        : typeof app.publicKey === 'string'
          ? createPublicKey(app.publicKey)
          : createPublicKey({ key: app.publicKey, format: 'jwk' });
    this.apps.set(app.clientId, { clientId: app.clientId, publicKey: key, scopes: new Set(app.scopes) });
  }

  /** Handles `POST /oauth2/v1/token` with a form-encoded body. */
  token(form: URLSearchParams): TokenReply {
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    }
    if (form.get('client_assertion_type') !== ASSERTION_TYPE || !form.get('client_assertion')) {
      return oauthError(401, 'invalid_client', 'Client authentication failed: a private_key_jwt client_assertion is required.');
    }
    const [h, p, s] = (form.get('client_assertion') ?? '').split('.');
    const header = decodeSegment(h);
    const claims = decodeSegment(p);
    if (!header || !claims || !s) return oauthError(401, 'invalid_client', 'The client_assertion is not a JWT.');
    const app = typeof claims.iss === 'string' ? this.apps.get(claims.iss) : undefined;
    if (!app || claims.sub !== app.clientId) {
      return oauthError(401, 'invalid_client', 'The client_assertion issuer and subject must be a registered client id.');
    }
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (claims.aud !== this.tokenUrl()) {
      return oauthError(401, 'invalid_client', 'The audience claim for client_assertion must be the endpoint invoked for the request.');
    }
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) {
      return oauthError(401, 'invalid_client', 'The client_assertion token is expired.');
    }
    if (!this.signatureValid(app.publicKey, String(header.alg), `${h}.${p}`, s)) {
      return oauthError(401, 'invalid_client', 'The client_assertion signature is invalid.');
    }
    if (typeof claims.jti === 'string') {
      if (this.usedJtis.has(claims.jti)) return oauthError(401, 'invalid_client', 'The client_assertion token has already been used.');
      this.usedJtis.add(claims.jti);
    }
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (requested.length === 0) return oauthError(400, 'invalid_scope', 'The authorization server requires a scope.');
    const refused = requested.filter((scope) => !app.scopes.has(scope));
    if (refused.length > 0) {
      return oauthError(400, 'invalid_scope', `The following scopes are not allowed: ${refused.join(', ')}`);
    }
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, {
      clientId: app.clientId,
      scopes: new Set(requested),
      expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000,
    });
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, access_token: accessToken, scope: requested.join(' ') },
    };
  }

  /** The scopes of a live access token, or undefined when the token is unknown or expired. */
  scopesOf(accessToken: string): Set<string> | undefined {
    const token = this.tokens.get(accessToken);
    if (!token || token.expiresAt <= Date.now()) return undefined;
    return token.scopes;
  }

  /** Expires every issued access token (as when Okta revokes them), so clients must fetch a new one. */
  revokeAllTokens(): void {
    this.tokens.clear();
  }

  private signatureValid(key: KeyObject, alg: string, signingInput: string, signature: string): boolean {
    const raw = Buffer.from(signature, 'base64url');
    try {
      if (alg === 'RS256') return verify('sha256', Buffer.from(signingInput), key, raw);
      // JWS carries ECDSA signatures as r||s, not DER.
      if (alg === 'ES256') return verify('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' }, raw);
    } catch {
      return false;
    }
    return false;
  }
}
