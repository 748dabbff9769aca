import { ConfigError, isJitError, publicReason } from '../errors.js';
import { removalRetryDelayMs, retryHint, type RetryHint } from '../retry-schedule.js';
import type { AccessRequest } from '../types.js';
import type { JitDeps } from './deps.js';
import { grantContext, removalTarget } from './grant-context.js';
import { transition } from './transition.js';

/**
 * Removes what `request` was granted, through the provider and settings recorded at approval (`grantedWith`,
 * with its pinned principal and address), so neither a changed nor an unreadable config stands in the way.
 * Throws what the provider threw.
 */
export async function revokeGranted(deps: JitDeps, request: AccessRequest): Promise<void> {
  const target = removalTarget(request, deps.catalog);
  if (!target) throw new ConfigError(notConfigured(request));
  const ctx = grantContext(request, target);
  const provider = deps.providers.forRemoval ? await deps.providers.forRemoval(target, ctx) : await deps.providers.get(target.provider);
  await provider.revoke(ctx);
}

/**
 * Removes the access of a request in `ending` (providers, including the Enforcer allow) and completes the
 * end. A failure keeps the request `ending` with the next attempt scheduled: a removal is retried until it
 * succeeds, never dropped, and after repeated failures the approvers are alerted once. The people are told
 * through the outbox, after the end is stored.
 */
export async function completeEnd(deps: JitDeps, request: AccessRequest): Promise<AccessRequest> {
  try {
    await revokeGranted(deps, request);
  } catch (err) {
    if (!isJitError(err)) deps.log.error('removal failed unexpectedly', { requestId: request.id, error: String(err) });
    return recordFailedRemoval(deps, request, publicReason(err), retryHint(err));
  }
  const now = deps.clock.now();
  const ended = await transition(
    deps,
    request,
    'end_completed',
    { endedAt: now, nextAttemptAt: undefined, lastError: undefined, failingSince: undefined },
    [
      {
        type: request.endKind === 'revoke' ? 'access_revoked' : 'access_expired',
        actor: request.endKind === 'revoke' ? (request.endedBy ?? 'kubiya-jit') : 'kubiya-jit',
        data: { attempts: request.endAttempts + 1, ...(request.endReason ? { reason: request.endReason } : {}) },
      },
    ],
    { approvers: true, requester: request.endKind === 'revoke' ? 'revoked' : 'expired' },
  );
  return ended ?? (await deps.store.get(request.id)) ?? request;
}

/**
 * Records a failed removal of a request's access and when to try again, alerting the approvers once after
 * repeated failures. Works for an `ending` request (`retry_end`) and for a `granting` one whose clean-up
 * failed (`annotate`: it stays `granting`, so it is not closed while something may still be granted, and the
 * sweeper retries it at `nextAttemptAt`). Retries are seconds apart while the removal has only just started
 * failing, then spaced in proportion to how long it has been failing ({@link removalRetryDelayMs}); the
 * target's `Retry-After` is honoured. Returns the stored request, re-read if another writer won.
 */
export async function recordFailedRemoval(deps: JitDeps, request: AccessRequest, error: string, hint?: RetryHint): Promise<AccessRequest> {
  const attempts = request.endAttempts + 1;
  const now = deps.clock.now();
  const failingSince = request.failingSince ?? now;
  const delay = removalRetryDelayMs({ failingForMs: now - failingSince, maxDelayMs: deps.policy.maxRetryDelaySeconds * 1000, hint });
  const shouldAlert = attempts >= deps.policy.alertAfterFailures && !request.alerted;
  deps.log.error('revocation failed; will retry', { requestId: request.id, status: request.status, attempts, retryInMs: delay, error });
  const alert = `Removing access for request ${request.id} (${request.toolName}, ${request.requester}) has failed ${attempts} times: ${error.slice(0, 300)}. kubiya-jit keeps retrying; please check the target.`;
  const retried = await transition(
    deps,
    request,
    request.status === 'ending' ? 'retry_end' : 'annotate',
    { endAttempts: attempts, nextAttemptAt: now + delay, lastError: error.slice(0, 500), failingSince, alerted: request.alerted || shouldAlert },
    [{ type: 'revocation_failed', actor: 'kubiya-jit', data: { attempts, error: error.slice(0, 500) } }],
    shouldAlert ? { alert } : {},
  );
  return retried ?? (await deps.store.get(request.id)) ?? request;
}

/** Why a request's access cannot be removed: its catalog entry (and so its provider) left the config. */
export function notConfigured(request: Pick<AccessRequest, 'toolName'>): string {
  return `${request.toolName} is no longer configured, so its provider cannot be called`;
}
