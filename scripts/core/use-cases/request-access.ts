import { routeApprovers } from '../approver-routing.js';
import type { CatalogEntry } from '../catalog.js';
import { formatDuration, parseDuration } from '../duration.js';
import { isJitError, PermissionError, UpstreamError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import type { AccessRequest, GrantPreview, Json } from '../types.js';
import { eligibleApprovers } from './approvers.js';
import { checkDenial } from './enforcer-denial.js';
import type { JitDeps } from './deps.js';
import { grantContext } from './grant-context.js';
import { transition } from './transition.js';

/** What the person (through the teammate) asked for, as raw strings from the tool's arguments. */
export interface RequestAccessInput {
  toolName: string | undefined;
  /** The person who will receive access; defaults to the runner. */
  userEmail: string | undefined;
  /** `tool_params` as the teammate passed it: a JSON object, as text. */
  toolParams: string | undefined;
  ttl: string | undefined;
  justification: string | undefined;
  /** Who the runner says is asking (`KUBIYA_USER_EMAIL`). */
  runnerEmail: string | undefined;
  /** The Enforcer's request id from an "Access denied. Request ID: …" message, when there is one. */
  enforcerRequestId?: string | undefined;
}

const MAX_JUSTIFICATION = 2000;
const MAX_PARAMS_TEXT = 8000;

/**
 * Validates a request, finds its approvers, renders what approval would grant, stores it and posts it to the
 * approvers. Every check runs before anything is stored, so bad input leaves no row and no message. If the
 * approvers' message cannot be posted, the request is marked failed (never left pending unseen) and the
 * error says so.
 */
export async function requestAccess(deps: JitDeps, input: RequestAccessInput): Promise<AccessRequest> {
  const runner = normaliseEmail(input.runnerEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const requester = input.userEmail?.trim() ? normaliseEmail(input.userEmail, 'user_email') : runner;
  if (requester !== runner && !deps.policy.allowOnBehalf) {
    throw new PermissionError(
      'request.on_behalf_not_allowed',
      `You are ${runner} but asked for access for ${requester}. Requesting for someone else is not allowed here: ${requester} must ask themselves.`,
    );
  }
  const entry = findEntry(deps, input.toolName);
  let params = parseParams(input.toolParams);
  const ttlSeconds = resolveTtl(input.ttl, entry);
  const justification = (input.justification ?? '').trim();
  if (justification.length < 3) {
    throw new ValidationError('request.missing_justification', 'justification is required: say in a sentence why the access is needed.');
  }
  if (justification.length > MAX_JUSTIFICATION) {
    throw new ValidationError('request.justification_too_long', `justification is ${justification.length} characters; keep it under ${MAX_JUSTIFICATION}.`);
  }

  const provider = await deps.providers.get(entry.provider);
  const enforcerRequestId = input.enforcerRequestId?.trim() || undefined;
  if (enforcerRequestId) {
    params = await checkDenial(provider, enforcerRequestId, { requester, entry, params, paramsGiven: Object.keys(params).length > 0 });
  }
  checkParams(params, entry);

  await checkRequester(deps, requester, entry);
  // Asking for someone else is no way around the requester rules: whoever asks must be allowed to ask too.
  if (runner !== requester) await checkRequester(deps, runner, entry, ' (who asked on their behalf)');
  await deps.notifier.ready?.();
  const routing = await routeApprovers({ entry, params, justification }, await deps.knowledge(), deps.policy);
  const approvers = await eligibleApprovers(deps, routing.groups, [requester, runner]);

  const now = deps.clock.now();
  const id = deps.newId();
  const ctx = grantContext({ id, requester, toolName: entry.name, toolParams: params, expiresAt: now + ttlSeconds * 1000, decidedBy: '', enforcerRequestId }, entry);
  await provider.validate?.(ctx);
  const preview: GrantPreview = (await provider.describe?.(ctx)) ?? {
    provider: entry.provider,
    summary: [`${entry.provider}: ${entry.name} for ${requester}`],
    documents: {},
  };

  const request: AccessRequest = {
    id,
    status: 'approval_pending',
    version: 1,
    toolName: entry.name,
    toolParams: params,
    requester,
    requestedBy: runner,
    justification,
    ttlSeconds,
    approverGroups: routing.groups,
    approvers,
    routing,
    preview,
    createdAt: now,
    updatedAt: now,
    endAttempts: 0,
    warned: false,
    alerted: false,
    ...(enforcerRequestId ? { enforcerRequestId } : {}),
  };
  await deps.store.create(request, [
    {
      requestId: id,
      type: 'request_created',
      actor: runner,
      at: now,
      data: { tool: entry.name, params, requester, ttl_seconds: ttlSeconds, justification, ...(enforcerRequestId ? { enforcer_request_id: enforcerRequestId } : {}) },
    },
    {
      requestId: id,
      type: 'approvers_routed',
      actor: 'kubiya-jit',
      at: now,
      data: { source: routing.source, groups: routing.groups, approvers, explanation: routing.explanation, matches: (routing.matches ?? []) as unknown as Json },
    },
  ]);
  return postToApprovers(deps, request);
}

async function postToApprovers(deps: JitDeps, request: AccessRequest): Promise<AccessRequest> {
  let ref;
  try {
    ref = await deps.notifier.postApprovalRequest(request);
  } catch (err) {
    const reason = isJitError(err) ? err.message : 'the approvers channel could not be reached';
    deps.log.error('posting the approval request failed', { requestId: request.id, error: String(err) });
    await transition(deps, request, 'notify_failed', { endReason: `approvers were not notified: ${reason}`, endedAt: deps.clock.now() }, [
      { type: 'approvers_not_notified', actor: 'kubiya-jit', data: { reason } },
    ]);
    await deps.notifier.notifyRequester({ ...request, status: 'failed' }, 'not_posted').catch(() => undefined);
    throw new UpstreamError(
      'request.approvers_not_notified',
      `Request ${request.id} was not sent: the approvers' Slack message could not be posted (${reason}). Nothing was granted and the request is closed; ask again once Slack is reachable, or contact the approvers directly.`,
      { cause: err },
    );
  }
  const stored = await transition(deps, request, 'annotate', { approvalMessage: ref }, [
    { type: 'approvers_notified', actor: 'kubiya-jit', data: { channel: ref.channel, ts: ref.ts } },
  ]);
  // Losing this race means an approver already acted on the message: the request moved on without us.
  return stored ?? (await deps.store.get(request.id)) ?? request;
}

function findEntry(deps: JitDeps, toolName: string | undefined): CatalogEntry {
  const name = (toolName ?? '').trim();
  if (!name) throw new ValidationError('request.missing_tool', 'tool_name is required: name the tool or access you need.');
  const entry = deps.catalog.get(name);
  if (entry) return entry;
  const known = deps.catalog.list().map((e) => e.name);
  const shown = known.slice(0, 25).join(', ');
  throw new ValidationError(
    'request.unknown_tool',
    `"${name.slice(0, 80)}" is not a tool you can request access to. Requestable: ${shown}${known.length > 25 ? ', …' : ''}.`,
    { toolName: name },
  );
}

function parseParams(text: string | undefined): Record<string, Json> {
  const raw = (text ?? '').trim();
  let params: unknown = {};
  if (raw.length > MAX_PARAMS_TEXT) {
    throw new ValidationError('request.params_too_long', `tool_params is ${raw.length} characters; keep it under ${MAX_PARAMS_TEXT}.`);
  }
  if (raw.length > 0) {
    try {
      params = JSON.parse(raw);
    } catch {
      throw new ValidationError('request.params_not_json', `tool_params must be a JSON object, such as {"region": "eu-west-1"}; got: ${raw.slice(0, 80)}`);
    }
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new ValidationError('request.params_not_object', 'tool_params must be a JSON object of parameter names to values, such as {"region": "eu-west-1"}.');
  }
  return params as Record<string, Json>;
}

function checkParams(params: Record<string, Json>, entry: CatalogEntry): void {
  const issues = entry.validateParams(params);
  if (issues.length > 0) {
    const list = issues.map((issue) => `${issue.path || '(top level)'} ${issue.message}`).join('; ');
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

async function checkRequester(deps: JitDeps, requester: string, entry: CatalogEntry, role = ''): Promise<void> {
  const person = await deps.directory.findPerson(requester);
  if (!person || !person.active) {
    throw new PermissionError(
      'request.requester_not_active',
      `${requester}${role} is not an active user in the directory, so cannot request access. Ask your administrator to check the account.`,
    );
  }
  const groups = entry.requesterGroups ?? deps.policy.allowedRequesterGroups;
  if (groups.length === 0) return;
  for (const group of groups) {
    if (await deps.directory.isActiveMember(requester, group)) return;
  }
  throw new PermissionError(
    'request.requester_not_allowed',
    `${requester}${role} is not in a group allowed to request ${entry.name} (${groups.join(', ')}). Ask to be added to one of them.`,
  );
}
