import { PermissionError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import type { JitDeps } from './deps.js';

/** What a sign-in provider vouched for. */
export interface ProviderIdentity {
  provider: string;
  email: string | undefined;
  /** The provider says it verified the address (OIDC `email_verified`, GitHub's verified primary email). */
  verified: boolean;
}

/**
 * Turns a provider's answer into a person, the way `KUBIYA_USER_EMAIL` is: the one identity normalisation,
 * then the configured directory must know them as ACTIVE. An unverified address is refused: anyone can put
 * someone else's address on an account they own. What each action needs (an allowed requester group, an
 * approver group) is checked by that action's use case, as for the tools.
 */
export async function checkSignIn(deps: Pick<JitDeps, 'directory'>, identity: ProviderIdentity): Promise<string> {
  if (!identity.verified) {
    throw new PermissionError(
      'signin.email_not_verified',
      `${identity.provider} did not vouch that your email address is verified, so it cannot be used to sign in. Verify it with ${identity.provider} (or make a verified address your primary one) and sign in again.`,
    );
  }
  const email = normaliseEmail(identity.email, `the email address ${identity.provider} gave`);
  const person = await deps.directory.findPerson(email);
  if (!person || !person.active) {
    throw new PermissionError('signin.not_active', `${email} is not an active person in the directory kubiya-jit uses, so it cannot sign in. Ask your administrator to check the account.`);
  }
  return email;
}
