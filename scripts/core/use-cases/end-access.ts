import { ConfigError, isJitError, publicReason } from '../errors.js';
import type { AccessRequest } from '../types.js';
import type { JitDeps } from './deps.js';
import { grantContext, removalTarget } from './grant-context.js';
import { announce } from './notify.js';
import { transition } from './transition.js';

/** Delay before the next revocation attempt: doubling from 5 s, capped by the policy. */
export function retryDelayMs(attempts: number, maxSeconds: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), maxSeconds * 1000);
}

/**
 * Removes the access of a request in `ending` (providers, including the Enforcer allow) and completes the
 * end. A failure keeps the request `ending` with a backoff for the next attempt: a removal is retried until it
 * succeeds, never dropped, and after repeated failures the approvers are alerted once.
 */
export async function completeEnd(deps: JitDeps, request: AccessRequest): Promise<AccessRequest> {
  const target = removalTarget(request, deps.catalog);
  try {
    if (!target) throw new ConfigError(notConfigured(request));
    const provider = await deps.providers.get(target.provider);
    await provider.revoke(grantContext(request, target));
  } catch (err) {
    if (!isJitError(err)) deps.log.error('removal failed unexpectedly', { requestId: request.id, error: String(err) });
    return recordFailedRemoval(deps, request, publicReason(err));
  }
  const now = deps.clock.now();
  const ended = await transition(deps, request, 'end_completed', { endedAt: now, nextAttemptAt: undefined, lastError: undefined }, [
    {
      type: request.endKind === 'revoke' ? 'access_revoked' : 'access_expired',
      actor: request.endKind === 'revoke' ? (request.endedBy ?? 'kubiya-jit') : 'kubiya-jit',
      data: { attempts: request.endAttempts + 1, ...(request.endReason ? { reason: request.endReason } : {}) },
    },
  ]);
  if (!ended) return (await deps.store.get(request.id)) ?? request;
  await announce(deps, ended, ended.status === 'revoked' ? 'revoked' : 'expired');
  return ended;
}

/**
 * Records a failed removal of a request's access and when to try again (backoff), alerting the approvers once
 * after repeated failures. Works for an `ending` request (`retry_end`) and for a `granting` one whose
 * clean-up failed (`annotate`: it stays `granting`, so it is not closed while something may still be granted,
 * and the sweeper retries it at `nextAttemptAt`). Returns the stored request, re-read if another writer won.
 */
export async function recordFailedRemoval(deps: JitDeps, request: AccessRequest, error: string): Promise<AccessRequest> {
  const attempts = request.endAttempts + 1;
  const now = deps.clock.now();
  const shouldAlert = attempts >= deps.policy.alertAfterFailures && !request.alerted;
  deps.log.error('revocation failed; will retry', { requestId: request.id, status: request.status, attempts, error });
  const retried = await transition(
    deps,
    request,
    request.status === 'ending' ? 'retry_end' : 'annotate',
    { endAttempts: attempts, nextAttemptAt: now + retryDelayMs(attempts, deps.policy.maxRetryDelaySeconds), lastError: error.slice(0, 500), alerted: request.alerted || shouldAlert },
    [{ type: 'revocation_failed', actor: 'kubiya-jit', data: { attempts, error: error.slice(0, 500) } }],
  );
  if (retried && shouldAlert) {
    await deps.notifier
      .alertApprovers(retried, `Removing access for request ${request.id} (${request.toolName}, ${request.requester}) has failed ${attempts} times: ${error.slice(0, 300)}. kubiya-jit keeps retrying; please check the target.`)
      .catch((err: unknown) => deps.log.error('alerting approvers failed', { requestId: request.id, error: String(err) }));
  }
  return retried ?? (await deps.store.get(request.id)) ?? request;
}

/** Why a request's access cannot be removed: its catalog entry (and so its provider) left the config. */
export function notConfigured(request: Pick<AccessRequest, 'toolName'>): string {
  return `${request.toolName} is no longer configured, so its provider cannot be called`;
}
