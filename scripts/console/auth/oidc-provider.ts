import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { UpstreamError } from '../../core/errors.js';
import type { ProviderIdentity } from '../../core/use-cases/sign-in.js';
import { isLoopbackUrl, type ProviderSettings } from '../server/console-settings.js';
import { refuseSignIn } from './sign-in-errors.js';
import type { FlowState, SignInProvider } from './provider-flow.js';

/**
 * Sign-in with an OpenID Connect provider (Google, Microsoft): discovery, the authorization code flow with
 * PKCE (S256), `state` and `nonce`, through oauth4webapi. oauth4webapi checks the id_token's claims but, like
 * the spec allows for a token from the token endpoint, not its signature; we verify that too against the
 * provider's JWKS (jose), so a compromised channel or a confused proxy cannot hand us a made-up identity.
 */
export class OidcSignInProvider implements SignInProvider {
  readonly id: string;
  readonly label: string;
  private server?: Promise<oauth.AuthorizationServer>;
  private jwks?: ReturnType<typeof createRemoteJWKSet>;
  private readonly client: oauth.Client;
  private readonly auth: oauth.ClientAuth;
  /** Plain http only for a provider on this machine (a development or test stand-in). */
  private readonly insecure: boolean;

  constructor(private readonly settings: ProviderSettings) {
    this.id = settings.id;
    this.label = settings.label;
    this.client = { client_id: settings.clientId };
    this.auth = oauth.ClientSecretPost(settings.clientSecret);
    this.insecure = isLoopbackUrl(new URL(settings.issuer));
  }

  async authorizationUrl(flow: FlowState, redirectUri: string): Promise<URL> {
    const as = await this.discover();
    if (!as.authorization_endpoint) throw new UpstreamError('signin.provider_unusable', `${this.label}'s discovery document names no authorization endpoint.`);
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', 'openid email profile');
    url.searchParams.set('state', flow.state);
    url.searchParams.set('nonce', flow.nonce ?? '');
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(flow.verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('prompt', 'select_account');
    return url;
  }

  async complete(callbackUrl: URL, flow: FlowState, redirectUri: string): Promise<ProviderIdentity> {
    const as = await this.discover();
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(as, this.client, callbackUrl, flow.state);
    } catch (err) {
      throw refuseSignIn(this.label, 'the answer did not match this sign-in (state) or reported an error', err);
    }
    let claims: oauth.IDToken;
    let idToken: string;
    try {
      const response = await oauth.authorizationCodeGrantRequest(as, this.client, this.auth, params, redirectUri, flow.verifier, this.options());
      const result = await oauth.processAuthorizationCodeResponse(as, this.client, response, { expectedNonce: flow.nonce, requireIdToken: true });
      claims = oauth.getValidatedIdTokenClaims(result)!;
      idToken = result.id_token!;
    } catch (err) {
      throw refuseSignIn(this.label, 'the code exchange or the id_token was refused', err);
    }
    try {
      this.jwks ??= createRemoteJWKSet(new URL(as.jwks_uri!));
      await jwtVerify(idToken, this.jwks, { issuer: as.issuer, audience: this.settings.clientId });
    } catch (err) {
      throw refuseSignIn(this.label, "the id_token's signature did not verify against the provider's keys", err);
    }
    return { provider: this.label, email: typeof claims.email === 'string' ? claims.email : undefined, verified: this.emailVerified(claims) };
  }

  /**
   * Google sets `email_verified`. Microsoft Entra's `email` is not verified by default: it counts only with
   * `email_verified`, or `xms_edov` (the optional claim that the domain's owner verified it), and only from the
   * configured tenant.
   */
  private emailVerified(claims: oauth.IDToken): boolean {
    if (this.settings.id === 'microsoft' && claims.tid !== undefined && claims.tid !== this.settings.tenantId) return false;
    return claims.email_verified === true || (this.settings.id === 'microsoft' && claims.xms_edov === true);
  }

  private options(): Record<symbol, boolean> {
    return this.insecure ? { [oauth.allowInsecureRequests]: true } : {};
  }

  private discover(): Promise<oauth.AuthorizationServer> {
    this.server ??= (async () => {
      const issuer = new URL(this.settings.issuer);
      const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...this.options() });
      return oauth.processDiscoveryResponse(issuer, response);
    })().catch((err: unknown) => {
      this.server = undefined;
      throw new UpstreamError('signin.provider_unreachable', `${this.label} could not be reached to sign in; try again in a moment.`, { cause: err });
    });
    return this.server;
  }
}
