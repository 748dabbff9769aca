import type { ProviderIdentity } from '../../core/use-cases/sign-in.js';

/** What the sign-in start must remember until the provider sends the person back (kept in a signed cookie). */
export interface FlowState {
  provider: string;
  state: string;
  verifier: string;
  /** OIDC only. */
  nonce?: string;
  /** Where to go after signing in: a path on this console, already checked. */
  next: string;
  /** Epoch ms; the flow is refused after ten minutes. */
  at: number;
}

/** One sign-in provider's side of the authorization code flow with PKCE. */
export interface SignInProvider {
  id: string;
  label: string;
  /** The provider's authorization URL for this flow (state, PKCE challenge, nonce included). */
  authorizationUrl(flow: FlowState, redirectUri: string): Promise<URL>;
  /**
   * Checks the callback against the flow (state, then the code exchange with the PKCE verifier, the id_token's
   * signature, issuer, audience and nonce) and returns the identity the provider vouched for.
   */
  complete(callbackUrl: URL, flow: FlowState, redirectUri: string): Promise<ProviderIdentity>;
}
