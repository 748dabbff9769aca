import { describe, expect, it } from 'vitest';
import { asciiLower, identityOrUndefined, normaliseEmail, sameIdentity } from '../../../scripts/core/identity.js';
import { isSamePerson, mayBeSamePerson } from '../../../scripts/core/people.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('normaliseEmail, the one normalisation', () => {
  it('trims ASCII spaces and lower-cases ASCII letters only', () => {
    expect(normaliseEmail('  Dev@Example.COM\t', 'x')).toBe('dev@example.com');
    expect(asciiLower('ÄBC')).toBe('Äbc');
  });

  // Each of these only becomes someone else's ASCII address after Unicode case folding or NFKC.
  it.each([
    ['the Kelvin sign (lower-cases to k)', '\u212Aim@example.com'],
    ['the long s (upper-cases to S)', '\u017Fam@example.com'],
    ['a dotted capital I', '\u0130van@example.com'],
    ['a dotless i', 'j\u0131m@example.com'],
    ['a full-width letter', '\uFF41lice@example.com'],
    ['a full-width at sign', 'alice\uFF20example.com'],
    ['a zero-width space', 'ali\u200Bce@example.com'],
    ['a zero-width joiner', 'alice@exam\u200Dple.com'],
    ['a byte order mark before it', '\uFEFFalice@example.com'],
    ['a ligature (NFKC: fi)', '\uFB01on@example.com'],
    ['a mathematical bold letter (NFKC: a)', '\u{1D41A}lice@example.com'],
    ['a Cyrillic look-alike', '\u0430lice@example.com'],
    ['a right-to-left override', 'alice@\u202Eexample.com'],
    ['a non-breaking space around it', '\u00A0alice@example.com'],
  ])('refuses %s with a clear error naming the character', (_label, value) => {
    expect(code(() => normaliseEmail(value, 'user_email'))).toBe('request.identity_not_ascii');
    expect(() => normaliseEmail(value, 'user_email')).toThrow(/user_email contains U\+[0-9A-F]{4,5} at character \d+, which is not a plain ASCII character/);
    expect(identityOrUndefined(value)).toBeUndefined();
  });

  it('never lets a look-alike compare equal to the address it imitates', () => {
    expect(sameIdentity('\u212Aim@example.com', 'kim@example.com')).toBe(false);
    expect(sameIdentity('KIM@example.com', 'kim@example.com')).toBe(true);
    expect(sameIdentity(undefined, undefined)).toBe(false);
  });

  it('still refuses what is not an address, quoting it on one line', () => {
    expect(code(() => normaliseEmail('not an email', 'user_email'))).toBe('request.invalid_email');
    expect(code(() => normaliseEmail('', 'user_email'))).toBe('request.missing_identity');
  });
});

describe('people are compared by directory id where one was recorded', () => {
  it('the same address with another id is not the same person; the same id under another address is', () => {
    expect(isSamePerson({ email: 'dev@x.io', id: 'u2' }, { email: 'dev@x.io', id: 'u1' })).toBe(false);
    expect(isSamePerson({ email: 'dev@x.io' }, { email: 'dev@x.io', id: 'u1' })).toBe(false);
    expect(isSamePerson({ email: 'dev2@x.io', id: 'u1' }, { email: 'dev@x.io', id: 'u1' })).toBe(true);
  });

  it('falls back to the normalised email, explicitly, where no id was recorded', () => {
    expect(isSamePerson({ email: 'dev@x.io', id: 'u1' }, { email: 'dev@x.io' })).toBe(true);
    expect(isSamePerson({ email: 'eve@x.io' }, { email: 'dev@x.io' })).toBe(false);
  });

  it('for refusals, a matching id or a matching address is enough', () => {
    expect(mayBeSamePerson({ email: 'dev2@x.io', id: 'u1' }, { email: 'dev@x.io', id: 'u1' })).toBe(true);
    expect(mayBeSamePerson({ email: 'dev@x.io', id: 'u2' }, { email: 'dev@x.io', id: 'u1' })).toBe(true);
    expect(mayBeSamePerson({ email: 'eve@x.io', id: 'u2' }, { email: 'dev@x.io', id: 'u1' })).toBe(false);
  });
});
