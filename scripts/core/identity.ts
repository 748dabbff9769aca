/**
 * The one normalisation of a person's identity (an email address), used everywhere people are named: the
 * requester, whoever ran the tool, approvers, revokers, query filters, what is written to the Enforcer, and
 * what the shipped Rego compares (configs/enforcer/jit_grants.rego lower-cases printable-ASCII addresses the
 * same way and refuses any other).
 *
 * An identity is printable ASCII without spaces, compared in ASCII lower case. Anything else is refused rather
 * than folded: Unicode case folding and NFKC turn look-alikes into someone else's address (the Kelvin sign
 * U+212A lower-cases to "k", so "\u212Aim@example.com" would become "kim@example.com"; the long s, dotted and
 * dotless i, full-width letters and zero-width characters do the same under other foldings).
 */
import { ValidationError } from './errors.js';
import { quoted } from './quote.js';

const EMAIL = /^[^\s@<>"'`]+@[^\s@<>"'`]+\.[^\s@<>"'`]+$/;
// Spaces are ASCII: the email check refuses them with its own message.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ASCII_SPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;

/** Lower-cases A–Z only, leaving every other character as it is (so no non-ASCII letter can become ASCII). */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/**
 * Normalises an email for comparison (ASCII spaces trimmed, ASCII lower case) and rejects anything that is
 * not one, or that holds a character outside printable ASCII. `field` names the argument or variable in the
 * error so the person knows what to fix.
 */
export function normaliseEmail(value: string | undefined, field: string): string {
  const raw = (value ?? '').replace(ASCII_SPACE, '');
  if (raw.length === 0) {
    throw new ValidationError('request.missing_identity', `${field} is required: give the person's email address.`, { field });
  }
  const foreign = firstNonAscii(raw);
  if (foreign !== undefined) {
    throw new ValidationError(
      'request.identity_not_ascii',
      `${field} contains ${foreign}, which is not a plain ASCII character. Email addresses are compared as lower-case ASCII, ` +
        'so look-alike letters (such as the Kelvin sign for K), full-width letters and invisible characters are refused rather than ' +
        'read as someone else\'s address. Type the address in plain ASCII.',
      { field },
    );
  }
  const email = asciiLower(raw);
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new ValidationError('request.invalid_email', `${field} ${quoted(email, 60)} is not an email address.`, { field });
  }
  return email;
}

/** The normalised form of `value`, or undefined when it is not a valid identity (for values other systems give). */
export function identityOrUndefined(value: string | undefined): string | undefined {
  try {
    return normaliseEmail(value, 'identity');
  } catch {
    return undefined;
  }
}

/** Whether two addresses name the same identity under the one normalisation; an invalid one matches nothing. */
export function sameIdentity(a: string | undefined, b: string | undefined): boolean {
  const left = identityOrUndefined(a);
  return left !== undefined && left === identityOrUndefined(b);
}

/** Describes the first character outside printable ASCII ("U+212A at character 1"), or undefined when there is none. */
function firstNonAscii(text: string): string | undefined {
  if (PRINTABLE_ASCII.test(text)) return undefined;
  let position = 0;
  for (const char of text) {
    position += 1;
    if (!PRINTABLE_ASCII.test(char)) {
      const code = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      return `U+${code} at character ${position}`;
    }
  }
  return undefined;
}
