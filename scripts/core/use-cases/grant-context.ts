import type { Catalog, CatalogEntry } from '../catalog.js';
import type { GrantContext } from '../ports.js';
import type { JitDeps } from './deps.js';
import type { AccessRequest, GrantTarget } from '../types.js';

/**
 * The provider's view of a request. The grant id is the request id: one request makes at most one grant,
 * and every resource a provider creates is named or tagged with it.
 */
export function grantContext(
  request: Pick<AccessRequest, 'id' | 'requester' | 'toolName' | 'toolParams' | 'expiresAt' | 'decidedBy' | 'enforcerRequestId'>,
  entry: Pick<CatalogEntry, 'settings'>,
): GrantContext {
  return {
    grantId: request.id,
    requestId: request.id,
    userEmail: request.requester,
    toolName: request.toolName,
    params: request.toolParams,
    expiresAt: request.expiresAt ?? 0,
    approvedBy: request.decidedBy ?? '',
    settings: entry.settings,
    ...(request.enforcerRequestId ? { enforcerRequestId: request.enforcerRequestId } : {}),
  };
}

/** The provider and settings an approval of `entry` grants with, recorded on the request. */
export function grantTarget(entry: Pick<CatalogEntry, 'provider' | 'settings'>): GrantTarget {
  return { provider: entry.provider, settings: entry.settings };
}

/**
 * The grant target recorded at approval: the entry's provider and settings, plus what the provider registry
 * pins for removal (the principal the person maps to today, how the target is reached), so removal needs
 * nothing from a later config. A pin that cannot be made is logged and left out: removal then falls back to
 * the config of the day, as for rows approved before pins existed.
 */
export async function pinnedTarget(deps: Pick<JitDeps, 'providers' | 'log'>, entry: Pick<CatalogEntry, 'provider' | 'settings'>, ctx: GrantContext): Promise<GrantTarget> {
  const target = grantTarget(entry);
  try {
    const pinned = await deps.providers.pin?.(target, ctx);
    return pinned ? { ...target, pinned } : target;
  } catch (err) {
    deps.log.warn('recording what removal needs failed; removal will use the config of the day', { requestId: ctx.requestId, error: String(err) });
    return target;
  }
}

/**
 * What removing a request's access must target: what it was granted with, not what the config says now (an
 * entry pointed at another policy would otherwise have the new one "removed" and the granted one left).
 * Rows approved before that was recorded use the current entry; undefined when that is gone too.
 */
export function removalTarget(request: Pick<AccessRequest, 'grantedWith' | 'toolName'>, catalog: Catalog): GrantTarget | undefined {
  if (request.grantedWith) return request.grantedWith;
  const entry = catalog.get(request.toolName);
  return entry ? grantTarget(entry) : undefined;
}
