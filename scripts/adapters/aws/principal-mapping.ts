import { ValidationError } from '../../core/errors.js';
import type { PrincipalMapping } from './aws-settings.js';

/** Which AWS principal an email is mapped to. */
export type PrincipalKind = 'iamUser' | 'identityCenterUser' | 'principalArn';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// IAM user names: 1–64 of [\w+=,.@-]. Identity store user names: up to 128 printable characters.
const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
const IDENTITY_CENTER_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
// No wildcard and no characters outside IAM's name set: a principal must name exactly one identity.
const PRINCIPAL_ARN = /^arn:aws[\w-]*:(iam|sts)::\d{12}:(user|role|assumed-role)\/[\w+=,.@/-]+$|^arn:aws[\w-]*:iam::\d{12}:root$/;
// What an email's parts may bring into an IAM name or ARN: no `/` (a path), no `*` (a wildcard).
const SAFE_PART = /^[\w+=,.@-]+$/;

const KIND_WORDS: Record<PrincipalKind, string> = {
  iamUser: 'IAM user',
  identityCenterUser: 'IAM Identity Center user',
  principalArn: 'principal ARN',
};

/**
 * Maps a person's email to an AWS principal by the configured rule: an explicit override first, then the
 * pattern. Throws a {@link ValidationError} (`aws.principal_unmapped`) when the email is malformed, its
 * domain is not allowed, the mapping is override-only and the person has none, or the pattern yields a
 * name AWS would refuse, so nothing is created for a person who cannot be mapped.
 */
export function mapPrincipal(mapping: PrincipalMapping, email: string, kind: PrincipalKind, vars: { accountId?: string } = {}): string {
  const normalized = email.trim().toLowerCase();
  if (!EMAIL.test(normalized)) throw unmapped(email, kind, 'it is not an email address');
  const [local, domain] = splitEmail(normalized);
  if (mapping.allowedDomains.length > 0 && !mapping.allowedDomains.map((d) => d.toLowerCase()).includes(domain)) {
    throw unmapped(email, kind, `its domain is not one of ${mapping.allowedDomains.join(', ')}`);
  }
  const override = mapping.overrides[normalized]?.[kind];
  if (override === undefined && mapping.mapOnly) throw unmapped(email, kind, 'the mapping is explicit-only and has no entry for it');
  const pattern = override ?? mapping[kind];
  if (kind !== 'identityCenterUser' && override === undefined && (!SAFE_PART.test(local) || !SAFE_PART.test(domain))) {
    throw unmapped(email, kind, 'it has characters an IAM name cannot hold');
  }
  if (pattern.includes('{account_id}') && !vars.accountId) throw unmapped(email, kind, 'the pattern needs {account_id} and the entry has none');
  const value = pattern
    .replaceAll('{email}', normalized)
    .replaceAll('{local}', local)
    .replaceAll('{domain}', domain)
    .replaceAll('{account_id}', vars.accountId ?? '');
  if (!isValid(kind, value)) throw unmapped(email, kind, `"${value}" is not a valid ${KIND_WORDS[kind]}`);
  return value;
}

function isValid(kind: PrincipalKind, value: string): boolean {
  if (kind === 'iamUser') return IAM_USER_NAME.test(value);
  if (kind === 'identityCenterUser') return IDENTITY_CENTER_NAME.test(value);
  return PRINCIPAL_ARN.test(value);
}

function splitEmail(email: string): [string, string] {
  const at = email.lastIndexOf('@');
  return [email.slice(0, at), email.slice(at + 1)];
}

function unmapped(email: string, kind: PrincipalKind, why: string): ValidationError {
  return new ValidationError(
    'aws.principal_unmapped',
    `${email} does not map to an ${KIND_WORDS[kind]}: ${why}. Ask an admin to add the person to aws.principals in the config.`,
    { email, kind },
  );
}
