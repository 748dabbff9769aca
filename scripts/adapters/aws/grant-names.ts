import { createHash } from 'node:crypto';

const NAME_SAFE = /^[A-Za-z0-9_+=,.@-]{1,64}$/;

/** Hex SHA-256 of `text`, cut to `length` characters. */
export function shortHash(text: string, length = 20): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * The grant id as it appears in AWS names, paths and tags: the id itself when it is short and uses only
 * characters IAM names allow (a UUID does), otherwise a hash of it, so the mapping is deterministic.
 */
export function grantKey(grantId: string): string {
  return NAME_SAFE.test(grantId) ? grantId : `h${shortHash(grantId, 32)}`;
}

/** Lowercase, every run of non-alphanumerics becomes `_`, trimmed of `_` at the ends. */
export function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** The IAM path every per-grant policy lives under, one folder per grant so it is found with one call. */
export function grantPolicyPath(grantId: string): string {
  return `/kubiya-jit/${grantKey(grantId)}/`;
}

/**
 * The deterministic name of a grant's customer-managed policy: `kjit-<entry slug>-<grant key>`, at most 128
 * characters of `[\w+=,.@-]` as IAM requires.
 */
export function grantPolicyName(toolName: string, grantId: string): string {
  const entry = slugify(toolName).slice(0, 40) || 'grant';
  return `kjit-${entry}-${grantKey(grantId)}`.slice(0, 128);
}

/** The trust-policy statement id of a grant: `KubiyaJit` + hash, alphanumeric as IAM requires of a Sid. */
export function trustStatementSid(grantId: string): string {
  return `KubiyaJit${shortHash(grantId, 24)}`;
}

/** An ISO 8601 instant without milliseconds, the form IAM condition examples use. */
export function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
