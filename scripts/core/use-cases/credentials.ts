import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { formatDuration, parseDuration } from '../duration.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { StoredCredential } from '../ports.js';
import type { JitDeps } from './deps.js';

/** Every personal API token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'kjit_';

/** A credential's usage is written at most this often, so an active session is not a write per page view. */
const TOUCH_EVERY_MS = 60_000;

type CredentialDeps = Pick<JitDeps, 'store' | 'clock'>;

/** SHA-256 of a secret, hex: what the store keeps instead of the secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new credential and the secret that authenticates it; the secret exists only in this result. */
export interface IssuedCredential {
  secret: string;
  credential: StoredCredential;
}

async function issue(deps: CredentialDeps, kind: StoredCredential['kind'], owner: string, label: string, lifetimeMs: number): Promise<IssuedCredential> {
  const now = deps.clock.now();
  const secret = `${kind === 'token' ? TOKEN_PREFIX : ''}${randomBytes(32).toString('base64url')}`;
  const credential: StoredCredential = {
    id: `${kind === 'token' ? 'tok' : 'ses'}_${randomBytes(8).toString('hex')}`,
    kind,
    owner,
    label,
    secretHash: hashSecret(secret),
    createdAt: now,
    expiresAt: now + lifetimeMs,
    lastUsedAt: now,
  };
  await deps.store.saveCredential(credential);
  return { secret, credential };
}

/**
 * Starts a console session for a person the sign-in already checked, ending at the absolute timeout whatever
 * happens, and records the sign-in in the audit log.
 */
export async function startSession(deps: CredentialDeps, input: { owner: string; provider: string; absoluteMs: number }): Promise<IssuedCredential> {
  const issued = await issue(deps, 'session', input.owner, input.provider, input.absoluteMs);
  await deps.store.appendAudit([{ requestId: null, type: 'console_signed_in', actor: input.owner, at: deps.clock.now(), data: { provider: input.provider, session: issued.credential.id } }]);
  return issued;
}

/** Ends a session (sign-out); ending one that is already over is success. */
export async function endSession(deps: CredentialDeps, session: StoredCredential): Promise<void> {
  if (await deps.store.revokeCredential(session.id, session.owner, deps.clock.now())) {
    await deps.store.appendAudit([{ requestId: null, type: 'console_signed_out', actor: session.owner, at: deps.clock.now(), data: { session: session.id } }]);
  }
}

/** The checks a credential passes before it authenticates anyone. */
export interface AuthenticateInput {
  secret: string | undefined;
  kind: StoredCredential['kind'];
  /** For sessions: unused this long, it no longer authenticates. */
  idleMs?: number;
}

/**
 * The credential a secret belongs to, when it is of the kind asked, not revoked, not past its expiry and (for
 * sessions) not idle too long; otherwise undefined, with no hint which check failed.
 */
export async function authenticateCredential(deps: CredentialDeps, input: AuthenticateInput): Promise<StoredCredential | undefined> {
  const secret = input.secret ?? '';
  if (secret.length < 20 || secret.length > 200) return undefined;
  const hash = hashSecret(secret);
  const found = await deps.store.findCredential(hash);
  // The lookup is by hash already; comparing again in constant time keeps a store's index from being an oracle.
  if (!found || !timingSafeEqual(Buffer.from(found.secretHash), Buffer.from(hash)) || found.kind !== input.kind) return undefined;
  const now = deps.clock.now();
  if (found.revokedAt !== undefined || now >= found.expiresAt) return undefined;
  if (input.idleMs !== undefined && now - found.lastUsedAt >= input.idleMs) return undefined;
  if (now - found.lastUsedAt >= TOUCH_EVERY_MS) await deps.store.touchCredential(found.id, now);
  return found;
}

/** What a person asks for when creating a personal API token. */
export interface CreateTokenInput {
  owner: string;
  name: string | undefined;
  /** How long it lives (`30d`); at most `maxMs`. */
  ttl: string | undefined;
  maxMs: number;
}

/**
 * Creates a personal API token that acts as its owner only, expires, and is stored hashed: the secret is in
 * the result once and nowhere else. Recorded in the audit log (name and expiry, never the secret).
 */
export async function createApiToken(deps: CredentialDeps, input: CreateTokenInput): Promise<IssuedCredential> {
  const name = (input.name ?? '').trim();
  if (!name || name.length > 60 || !/^[\x20-\x7e]+$/.test(name)) {
    throw new ValidationError('token.invalid_name', 'Give the token a name of 1 to 60 printable characters, such as "ci-pipeline".');
  }
  const seconds = parseDuration(input.ttl?.trim() || '30d', 'expires_in');
  if (seconds * 1000 > input.maxMs) {
    throw new ValidationError('token.ttl_over_maximum', `expires_in ${formatDuration(seconds)} is longer than the maximum, ${formatDuration(Math.floor(input.maxMs / 1000))}.`);
  }
  const issued = await issue(deps, 'token', input.owner, name, seconds * 1000);
  await deps.store.appendAudit([
    { requestId: null, type: 'api_token_created', actor: input.owner, at: deps.clock.now(), data: { token: issued.credential.id, name, expires_at: new Date(issued.credential.expiresAt).toISOString() } },
  ]);
  return issued;
}

/** A person's own tokens, newest first (never anyone else's). */
export async function listApiTokens(deps: CredentialDeps, owner: string): Promise<StoredCredential[]> {
  return deps.store.listCredentials(owner, 'token');
}

/**
 * Revokes one of the person's own tokens. A token id that is not theirs, or is already revoked, gets the same
 * answer as one that does not exist, so ids of other people's tokens cannot be probed.
 */
export async function revokeApiToken(deps: CredentialDeps, input: { owner: string; tokenId: string | undefined }): Promise<void> {
  const id = (input.tokenId ?? '').trim();
  if (!/^tok_[0-9a-f]{16}$/.test(id) || !(await deps.store.revokeCredential(id, input.owner, deps.clock.now()))) {
    throw new NotFoundError('token.not_found', `You have no active token ${id.slice(0, 30) || '(none given)'}. The console's Tokens page lists yours.`);
  }
  await deps.store.appendAudit([{ requestId: null, type: 'api_token_revoked', actor: input.owner, at: deps.clock.now(), data: { token: id } }]);
}
