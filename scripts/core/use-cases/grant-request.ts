import type { CatalogEntry } from '../catalog.js';
import { GrantRefusedError, isJitError, UpstreamError } from '../errors.js';
import type { AccessRequest } from '../types.js';
import type { JitDeps } from './deps.js';
import { recordFailedRemoval } from './end-access.js';
import { grantContext } from './grant-context.js';
import { transition } from './transition.js';

/**
 * Grants an approved request (status `granting`) through its provider and records the outcome. A failed
 * grant is undone as far as the provider can (revoke is idempotent) and ends `failed` with the reason; a
 * grant the provider refused before writing anything ({@link GrantRefusedError}) ends `failed` with no undo.
 */
export async function grantRequest(deps: JitDeps, request: AccessRequest, entry: CatalogEntry): Promise<AccessRequest> {
  const provider = await deps.providers.get(entry.provider);
  const ctx = grantContext(request, entry);
  try {
    await provider.grant(ctx);
  } catch (err) {
    const reason = (isJitError(err) ? err.message : 'the access provider failed').replace(/\.+$/, '');
    deps.log.error('grant failed', { requestId: request.id, provider: entry.provider, error: String(err) });
    let undoError: string | undefined;
    // A refusal comes before the provider wrote anything, and an undo is not free of writes (a role-trust
    // revoke denies the grantee's sessions, which would cut those of their other live grant of the role).
    if (!(err instanceof GrantRefusedError)) {
      await provider.revoke(ctx).catch((undoErr: unknown) => {
        undoError = isJitError(undoErr) ? undoErr.message : String(undoErr);
        deps.log.error('undoing a failed grant failed', { requestId: request.id, error: String(undoErr) });
      });
    }
    if (undoError !== undefined) {
      // The failed grant may have taken effect (an answer lost on the way back), so the request stays open
      // and the sweeper retries the removal; it is closed `failed` only once that succeeds.
      await recordFailedRemoval(deps, request, `undoing the failed grant failed: ${undoError}`);
      throw new UpstreamError(
        'grant.failed',
        `Request ${request.id} was approved but granting failed: ${reason}. Removing whatever was partly granted failed too; kubiya-jit keeps retrying it.`,
        { cause: err },
      );
    }
    await transition(deps, request, 'grant_failed', { endedAt: deps.clock.now(), endReason: reason }, [{ type: 'grant_failed', actor: 'kubiya-jit', data: { provider: entry.provider, reason } }], {
      approvers: true,
      requester: 'failed',
    });
    throw new UpstreamError('grant.failed', `Request ${request.id} was approved but granting failed: ${reason}. Nothing was left granted.`, { cause: err });
  }
  const granted = await transition(
    deps,
    request,
    'grant_succeeded',
    { grantedAt: deps.clock.now() },
    [{ type: 'access_granted', actor: 'kubiya-jit', data: { provider: entry.provider, expires_at: new Date(request.expiresAt ?? 0).toISOString() } }],
    { approvers: true, requester: 'approved' },
  );
  if (!granted) {
    // The sweeper decided this run had died and closed the request; what we just granted must not outlive it.
    await provider.revoke(ctx).catch((err: unknown) => deps.log.error('revoking an orphaned grant failed', { requestId: request.id, error: String(err) }));
    throw new UpstreamError('grant.abandoned', `Request ${request.id} took too long to grant and was closed meanwhile; the access was removed. Ask again.`);
  }
  return granted;
}
