import * as oauth from 'oauth4webapi';
import { UpstreamError } from '../../core/errors.js';
import type { ProviderIdentity } from '../../core/use-cases/sign-in.js';
import { isLoopbackUrl, type ProviderSettings } from '../server/console-settings.js';
import type { FlowState, SignInProvider } from './provider-flow.js';
import { refuseSignIn } from './sign-in-errors.js';

interface GithubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

/**
 * Sign-in with a GitHub OAuth app: GitHub has no OpenID Connect for people, so after the code exchange (with
 * PKCE and `state`) the person's addresses are read from the API (`GET /user/emails`, scope `user:email`)
 * and only the primary address, and only when GitHub verified it, is used.
 */
export class GithubSignInProvider implements SignInProvider {
  readonly id = 'github';
  readonly label: string;
  private readonly as: oauth.AuthorizationServer;
  private readonly client: oauth.Client;
  private readonly auth: oauth.ClientAuth;
  private readonly insecure: boolean;

  constructor(private readonly settings: ProviderSettings) {
    this.label = settings.label;
    const web = settings.issuer.replace(/\/+$/, '');
    this.as = { issuer: web, authorization_endpoint: `${web}/login/oauth/authorize`, token_endpoint: `${web}/login/oauth/access_token` };
    this.client = { client_id: settings.clientId };
    this.auth = oauth.ClientSecretPost(settings.clientSecret);
    this.insecure = isLoopbackUrl(new URL(web)) && isLoopbackUrl(new URL(settings.apiUrl!));
  }

  async authorizationUrl(flow: FlowState, redirectUri: string): Promise<URL> {
    const url = new URL(this.as.authorization_endpoint!);
    url.searchParams.set('client_id', this.settings.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', 'user:email');
    url.searchParams.set('state', flow.state);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(flow.verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('allow_signup', 'false');
    return url;
  }

  async complete(callbackUrl: URL, flow: FlowState, redirectUri: string): Promise<ProviderIdentity> {
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(this.as, this.client, callbackUrl, flow.state);
    } catch (err) {
      throw refuseSignIn(this.label, 'the answer did not match this sign-in (state) or reported an error', err);
    }
    let token: string;
    try {
      const options = this.insecure ? { [oauth.allowInsecureRequests]: true } : {};
      const response = await oauth.authorizationCodeGrantRequest(this.as, this.client, this.auth, params, redirectUri, flow.verifier, {
        ...options,
        // GitHub answers JSON only when asked; its default is a form-encoded body.
        headers: { accept: 'application/json' },
      });
      token = (await oauth.processAuthorizationCodeResponse(this.as, this.client, response)).access_token;
    } catch (err) {
      throw refuseSignIn(this.label, 'the code exchange was refused (a wrong or reused code, or a PKCE mismatch)', err);
    }
    const primary = (await this.emails(token)).find((e) => e.primary === true);
    return { provider: this.label, email: typeof primary?.email === 'string' ? primary.email : undefined, verified: primary?.verified === true };
  }

  private async emails(token: string): Promise<GithubEmail[]> {
    let response: Response;
    try {
      response = await fetch(`${this.settings.apiUrl!.replace(/\/+$/, '')}/user/emails`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'kubiya-jit-console' },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new UpstreamError('signin.provider_unreachable', `${this.label} could not be reached to read your email address; try again in a moment.`, { cause: err });
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok || !Array.isArray(body)) {
      throw new UpstreamError('signin.provider_refused', `${this.label} did not give your email addresses (HTTP ${response.status}); the app needs the user:email scope.`);
    }
    return body as GithubEmail[];
  }
}
