import type { CatalogEntry } from '../catalog.js';
import { formatDuration, parseDuration } from '../duration.js';
import { PermissionError, ValidationError } from '../errors.js';
import { escapeUnsafe, quoted } from '../quote.js';
import type { Party } from '../people.js';
import type { Json } from '../types.js';
import type { JitDeps } from './deps.js';

// The checks a request passes before anything is stored: each throws an error naming what to fix.

const MAX_JUSTIFICATION = 2000;
const MAX_PARAMS_TEXT = 8000;

/** The catalog entry a request names, or an error listing what can be requested. */
export function findEntry(deps: JitDeps, toolName: string | undefined): CatalogEntry {
  const name = (toolName ?? '').trim();
  if (!name) throw new ValidationError('request.missing_tool', 'tool_name is required: name the tool or access you need.');
  const entry = deps.catalog.get(name);
  if (entry) return entry;
  const known = deps.catalog.list().map((e) => e.name);
  const shown = known.slice(0, 25).join(', ');
  throw new ValidationError(
    'request.unknown_tool',
    `${quoted(name, 80)} is not a tool you can request access to. Requestable: ${shown}${known.length > 25 ? ', …' : ''}.`,
    { toolName: name },
  );
}

/** `tool_params` as given: a JSON object (empty when not given), not yet checked against the entry's schema. */
export function parseParams(text: string | undefined): Record<string, Json> {
  const raw = (text ?? '').trim();
  let params: unknown = {};
  if (raw.length > MAX_PARAMS_TEXT) {
    throw new ValidationError('request.params_too_long', `tool_params is ${raw.length} characters; keep it under ${MAX_PARAMS_TEXT}.`);
  }
  if (raw.length > 0) {
    try {
      params = JSON.parse(raw);
    } catch {
      throw new ValidationError('request.params_not_json', `tool_params must be a JSON object, such as {"region": "eu-west-1"}; got: ${quoted(raw, 80)}`);
    }
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new ValidationError('request.params_not_object', 'tool_params must be a JSON object of parameter names to values, such as {"region": "eu-west-1"}.');
  }
  return params as Record<string, Json>;
}

/** Checks parameters against the entry's schema. */
export function checkParams(params: Record<string, Json>, entry: CatalogEntry): void {
  const issues = entry.validateParams(params);
  if (issues.length > 0) {
    // Paths and messages can carry the requester's parameter names: quoted, one line.
    const list = issues.map((issue) => `${issue.path ? quoted(issue.path, 80) : '(top level)'} ${escapeUnsafe(issue.message).slice(0, 200)}`).join('; ');
    throw new ValidationError('request.params_invalid', `tool_params do not fit ${entry.name}: ${list}.`, { issues: issues as unknown as Json });
  }
}

/** Parses a TTL (or takes the entry's default) and enforces the entry's maximum. */
export function resolveTtl(ttl: string | undefined, entry: CatalogEntry, field = 'ttl'): number {
  const seconds = ttl?.trim() ? parseDuration(ttl, field) : entry.defaultTtlSeconds;
  if (seconds > entry.maxTtlSeconds) {
    throw new ValidationError(
      'request.ttl_over_maximum',
      `${field} ${formatDuration(seconds)} is longer than the maximum for ${entry.name}, ${formatDuration(entry.maxTtlSeconds)}. Ask for ${formatDuration(entry.maxTtlSeconds)} or less.`,
      { maxSeconds: entry.maxTtlSeconds },
    );
  }
  return seconds;
}

/**
 * The person must be ACTIVE in the directory and in one of the entry's (or the config's) requester groups.
 * Returns them as the directory knows them (with its stable id, where it has one) to record on the request.
 */
export async function checkRequester(deps: JitDeps, requester: string, entry: CatalogEntry, role = ''): Promise<Party> {
  const person = await deps.directory.findPerson(requester);
  if (!person || !person.active) {
    throw new PermissionError(
      'request.requester_not_active',
      `${requester}${role} is not an active user in the directory, so cannot request access. Ask your administrator to check the account.`,
    );
  }
  const party: Party = person.id ? { email: requester, id: person.id } : { email: requester };
  const groups = entry.requesterGroups ?? deps.policy.allowedRequesterGroups;
  if (groups.length === 0) return party;
  for (const group of groups) {
    if (await deps.directory.isActiveMember(requester, group)) return party;
  }
  throw new PermissionError(
    'request.requester_not_allowed',
    `${requester}${role} is not in a group allowed to request ${entry.name} (${groups.join(', ')}). Ask to be added to one of them.`,
  );
}

/** The justification, trimmed, between 3 and 2000 characters. */
export function checkJustification(text: string | undefined): string {
  const justification = (text ?? '').trim();
  if (justification.length < 3) {
    throw new ValidationError('request.missing_justification', 'justification is required: say in a sentence why the access is needed.');
  }
  if (justification.length > MAX_JUSTIFICATION) {
    throw new ValidationError('request.justification_too_long', `justification is ${justification.length} characters; keep it under ${MAX_JUSTIFICATION}.`);
  }
  return justification;
}

/**
 * Bounds what one person can create: at most `requesters.max_requests_per_hour` requests made by them (for
 * themselves or on someone's behalf) in the last hour. Past it the request is refused before anything is
 * stored or sent.
 */
export async function checkRequestRate(deps: JitDeps, runner: string): Promise<void> {
  const max = deps.policy.maxRequestsPerHour;
  const recent = await deps.store.list({ requestedBy: runner, createdAfter: deps.clock.now() - 3_600_000, limit: max });
  if (recent.length >= max) {
    throw new PermissionError(
      'request.rate_limited',
      `${runner} has made ${max} access requests in the last hour, the most allowed (requesters.max_requests_per_hour). Nothing was stored; wait, or ask an approver about the pending ones (view_user_requests lists them).`,
      { max },
    );
  }
}
