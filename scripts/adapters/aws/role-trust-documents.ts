import type { Json } from '../../core/types.js';
import { isoSeconds, shortHash, trustStatementSid } from './grant-names.js';
import { withExpiry, type PolicyDocument, type PolicyStatement } from './policy-document.js';

/** The inline policy on a role that holds the package's session denies. */
export const SESSION_DENY_POLICY = 'kubiya-jit-session-deny';
/** The Sid prefix of a session deny statement (a trust statement's is `KubiyaJit` + hash). */
export const DENY_SID_PREFIX = 'KubiyaJitDeny';
/** Extra time a session deny stays after the last session it targets can have ended, for clock skew. */
export const DENY_MARGIN_MS = 5 * 60_000;

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * The role session name a grantee must use: their email in lowercase when it is a valid session name
 * (2–64 of `[\w+=,.@-]`), else `kjit-` and a hash of it. The trust statement admits only this name, so every
 * session of the grantee is recognisable (`aws:userid` = `<role id>:<name>`) and can be denied at the end.
 */
export function sessionNameFor(email: string): string {
  const normalized = email.trim().toLowerCase();
  return SESSION_NAME.test(normalized) ? normalized : `kjit-${shortHash(normalized, 32)}`;
}

/** The statements of a document; IAM allows a single statement object instead of a list. */
export function statementsOf(document: PolicyDocument | undefined): PolicyStatement[] {
  const raw = document?.Statement as PolicyStatement[] | PolicyStatement | undefined;
  if (!raw) return [];
  return Array.isArray(raw) ? raw : [raw];
}

/** The trust statement of a grant: this principal may assume the role, with this session name, until the expiry. */
export function trustStatement(grantId: string, principalArn: string, sessionName: string, expiresAt: number): PolicyStatement {
  const statement = withExpiry({ Sid: trustStatementSid(grantId), Effect: 'Allow', Principal: { AWS: principalArn }, Action: 'sts:AssumeRole' }, expiresAt);
  return { ...statement, Condition: { ...statement.Condition, StringEquals: { 'sts:RoleSessionName': sessionName } } };
}

/** Whether a trust statement has the form the package writes (its Sid), and is not a deny. */
export function isPackageTrustSid(sid: unknown): sid is string {
  return typeof sid === 'string' && /^KubiyaJit[0-9a-f]{24}$/.test(sid);
}

/**
 * A statement that denies every action to the grantee's sessions of this role issued before `endAt`
 * (`aws:userid` is `<role id>:<session name>` for an assumed-role session; `aws:TokenIssueTime` is when the
 * session's credentials were issued), as AWS's own "revoke active sessions" does for a whole role. It stops
 * applying by itself at `removeAfter` (`aws:CurrentTime`), when no such session can still be alive.
 */
export function denyStatement(roleId: string, sessionName: string, endAt: number, removeAfter: number): PolicyStatement {
  return {
    Sid: `${DENY_SID_PREFIX}${shortHash(sessionName, 24)}`,
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      StringEquals: { 'aws:userid': `${roleId}:${sessionName}` },
      DateLessThan: { 'aws:TokenIssueTime': isoSeconds(endAt), 'aws:CurrentTime': isoSeconds(removeAfter) },
    },
  };
}

/** A session deny's two instants, read back from its statement; undefined for a statement that is not one. */
export function denyTimes(statement: PolicyStatement): { endAt: number; removeAfter: number } | undefined {
  if (typeof statement.Sid !== 'string' || !statement.Sid.startsWith(DENY_SID_PREFIX)) return undefined;
  const dates = statement.Condition?.DateLessThan as Record<string, Json> | undefined;
  const endAt = Date.parse(String(dates?.['aws:TokenIssueTime'] ?? ''));
  const removeAfter = Date.parse(String(dates?.['aws:CurrentTime'] ?? ''));
  return Number.isFinite(endAt) && Number.isFinite(removeAfter) ? { endAt, removeAfter } : undefined;
}

/**
 * The session-deny document with `deny` merged in (one statement per session name: the later end and the
 * later removal win, so an earlier revocation is never weakened) and every deny past its removal dropped.
 */
export function mergeDeny(current: PolicyDocument | undefined, deny: PolicyStatement | undefined, now: number): PolicyDocument {
  const kept = statementsOf(current).filter((statement) => {
    const times = denyTimes(statement);
    // Statements the package did not write stay as they are.
    if (!times) return true;
    return times.removeAfter > now && statement.Sid !== deny?.Sid;
  });
  if (deny) {
    const old = statementsOf(current).find((statement) => statement.Sid === deny.Sid);
    const a = denyTimes(deny)!;
    const b = old ? denyTimes(old) : undefined;
    const dates = { 'aws:TokenIssueTime': isoSeconds(Math.max(a.endAt, b?.endAt ?? 0)), 'aws:CurrentTime': isoSeconds(Math.max(a.removeAfter, b?.removeAfter ?? 0)) };
    kept.push({ ...deny, Condition: { ...deny.Condition, DateLessThan: dates } });
  }
  return { Version: '2012-10-17', Statement: kept };
}

/** The earliest instant a deny in the document can be removed, if any. */
export function nextRemoval(document: PolicyDocument | undefined): number | undefined {
  const times = statementsOf(document).map(denyTimes).filter((t): t is { endAt: number; removeAfter: number } => t !== undefined);
  return times.length ? Math.min(...times.map((t) => t.removeAfter)) : undefined;
}
