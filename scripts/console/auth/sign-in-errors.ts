import { PermissionError } from '../../core/errors.js';

/**
 * A sign-in the provider's answer did not support: the person sees what failed in general terms, the
 * operator log gets the library's reason (as `cause`).
 */
export function refuseSignIn(provider: string, what: string, cause: unknown): PermissionError {
  const err = new PermissionError('signin.refused', `Signing in with ${provider} failed: ${what}. Start again from the sign-in page.`, {
    reason: cause instanceof Error ? cause.message : String(cause),
  });
  return err;
}
