import { ValidationError } from './errors.js';

const EMAIL = /^[^\s@<>"'`]+@[^\s@<>"'`]+\.[^\s@<>"'`]+$/;

/**
 * Normalises an email for comparison (trimmed, lower-case) and rejects anything that is not one. `field`
 * names the argument or variable in the error so the person knows what to fix.
 */
export function normaliseEmail(value: string | undefined, field: string): string {
  const email = (value ?? '').trim().toLowerCase();
  if (email.length === 0) {
    throw new ValidationError('request.missing_identity', `${field} is required: give the person's email address.`, { field });
  }
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new ValidationError('request.invalid_email', `${field} "${email.slice(0, 60)}" is not an email address.`, { field });
  }
  return email;
}
