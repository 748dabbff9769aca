import { isJitError, PermissionError, UpstreamError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import type { Party } from '../people.js';
import type { AccessRequest, GrantPreview, Json, PersonIds } from '../types.js';
import { approversForRequirements, unionOf } from './requirement-approvers.js';
import { checkDenial } from './enforcer-denial.js';
import type { JitDeps } from './deps.js';
import { grantContext } from './grant-context.js';
import { routeWithOwners } from './owner-routing.js';
import { approveUnderGrant, findCoveringGrant } from './enforcer-auto-approval.js';
import { auditRefusals, refusedRequest } from './refused-request.js';
import { checkJustification, checkParams, checkRequestRate, checkRequester, findEntry, parseParams, resolveTtl } from './request-validation.js';
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

/**
 * What asking led to: a new request waiting for approval, or (for an Enforcer denial an active grant of the
 * same person, tool and parameters already covers) that denial approved at once under the grant.
 */
export type RequestOutcome =
  | { kind: 'requested'; request: AccessRequest }
  | { kind: 'covered'; grant: AccessRequest; enforcerRequestId: string };

/**
 * Validates a request, finds its approvers, renders what approval would grant, stores it and posts it to the
 * approvers. Every check runs before anything is stored, so bad input leaves no row and no message. If the
 * approvers' message cannot be posted, the request is marked failed (never left pending unseen) and the
 * error says so.
 */
export async function requestAccess(deps: JitDeps, input: RequestAccessInput): Promise<RequestOutcome> {
  const runner = normaliseEmail(input.runnerEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const requester = input.userEmail?.trim() ? normaliseEmail(input.userEmail, 'user_email') : runner;
  if (requester !== runner && !deps.policy.allowOnBehalf) {
    throw await refusedRequest(
      deps,
      new PermissionError(
        'request.on_behalf_not_allowed',
        `You are ${runner} but asked for access for ${requester}. Requesting for someone else is not allowed here: ${requester} must ask themselves.`,
      ),
      { runner, requester, toolName: input.toolName },
    );
  }
  const entry = findEntry(deps, input.toolName);
  let params = parseParams(input.toolParams);
  const ttlSeconds = resolveTtl(input.ttl, entry);
  const justification = checkJustification(input.justification);

  const provider = await deps.providers.get(entry.provider);
  const enforcerRequestId = input.enforcerRequestId?.trim() || undefined;
  if (enforcerRequestId) {
    params = await checkDenial(provider, enforcerRequestId, { requester, entry, params, paramsGiven: Object.keys(params).length > 0 });
  }
  checkParams(params, entry);

  let requesterParty: Party = { email: requester };
  let runnerParty: Party = { email: runner };
  await auditRefusals(deps, { runner, requester, toolName: entry.name }, async () => {
    requesterParty = await checkRequester(deps, requester, entry);
    // Asking for someone else is no way around the requester rules: whoever asks must be allowed to ask too.
    runnerParty = runner !== requester ? await checkRequester(deps, runner, entry, ' (who asked on their behalf)') : requesterParty;
  });
  // A denied run an active grant of this person already covers is approved at once: nobody asks twice.
  if (enforcerRequestId) {
    const grant = await findCoveringGrant(deps, { toolName: entry.name, parameters: params, userEmail: requester });
    const approved = grant ? await approveUnderGrant(deps, provider, grant, enforcerRequestId, 'request_tool_access') : undefined;
    if (approved) return { kind: 'covered', grant: approved, enforcerRequestId };
  }
  // Not a refusal to audit: a person over the bound would otherwise fill the log, and nothing is stored.
  await checkRequestRate(deps, runner);
  await deps.notifier.ready?.();
  const now = deps.clock.now();
  const id = deps.newId();
  const ctx = grantContext({ id, requester, toolName: entry.name, toolParams: params, expiresAt: now + ttlSeconds * 1000, decidedBy: '', enforcerRequestId }, entry);
  // Validated first: a provider that names owners reads its targets, which must exist.
  await provider.validate?.(ctx);
  const required = entry.approvalsRequired ?? deps.policy.approvalsRequired;
  const { routing, requirements } = await routeWithOwners(deps, await provider.ownerGroups?.(ctx), { entry, params, justification }, required);
  const approverParties = unionOf(await approversForRequirements(deps, requirements, [requesterParty, runnerParty]));
  const approvers = approverParties.map((p) => p.email);
  const personIds = recordedIds(requesterParty, runnerParty, approverParties);

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
    ...(personIds ? { personIds } : {}),
    justification,
    ttlSeconds,
    approverGroups: routing.groups,
    approvers,
    routing,
    approvalRequirements: requirements,
    approvals: [],
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
      data: {
        tool: entry.name,
        params,
        requester,
        requested_by: runner,
        ...(personIds?.requester ? { requester_id: personIds.requester } : {}),
        ...(personIds?.requestedBy ? { requested_by_id: personIds.requestedBy } : {}),
        ttl_seconds: ttlSeconds,
        justification,
        ...(enforcerRequestId ? { enforcer_request_id: enforcerRequestId } : {}),
      },
    },
    {
      requestId: id,
      type: 'approvers_routed',
      actor: 'kubiya-jit',
      at: now,
      data: {
        source: routing.source,
        groups: routing.groups,
        approvers,
        ...(personIds?.approvers ? { approver_ids: personIds.approvers } : {}),
        explanation: routing.explanation,
        matches: (routing.matches ?? []) as unknown as Json,
        // Chained, so nobody can lower what a request needs by editing its row.
        requirements: requirements as unknown as Json,
      },
    },
  ]);
  return { kind: 'requested', request: await postToApprovers(deps, request) };
}

/** The directory ids to record on a new request, or undefined when the directory has none (config lists). */
function recordedIds(requester: Party, runner: Party, approvers: Party[]): PersonIds | undefined {
  const approverIds = approvers.flatMap((p) => (p.id ? [p.id] : []));
  const ids: PersonIds = {
    ...(requester.id ? { requester: requester.id } : {}),
    ...(runner.id ? { requestedBy: runner.id } : {}),
    ...(approverIds.length ? { approvers: approverIds } : {}),
  };
  return Object.keys(ids).length ? ids : undefined;
}

async function postToApprovers(deps: JitDeps, request: AccessRequest): Promise<AccessRequest> {
  let ref;
  try {
    ref = await deps.notifier.postApprovalRequest(request);
  } catch (err) {
    const reason = isJitError(err) ? err.message : 'the approvers channel could not be reached';
    deps.log.error('posting the approval request failed', { requestId: request.id, error: String(err) });
    await transition(
      deps,
      request,
      'notify_failed',
      { endReason: `approvers were not notified: ${reason}`, endedAt: deps.clock.now() },
      [{ type: 'approvers_not_notified', actor: 'kubiya-jit', data: { reason } }],
      { requester: 'not_posted' },
    );
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
