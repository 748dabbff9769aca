import type { Catalog, CatalogEntry } from '../catalog.js';
import type { GrantContext } from '../ports.js';
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
 * What removing a request's access must target: what it was granted with, not what the config says now (an
 * entry pointed at another policy would otherwise have the new one "removed" and the granted one left).
 * Rows approved before that was recorded use the current entry; undefined when that is gone too.
 */
export function removalTarget(request: Pick<AccessRequest, 'grantedWith' | 'toolName'>, catalog: Catalog): GrantTarget | undefined {
  if (request.grantedWith) return request.grantedWith;
  const entry = catalog.get(request.toolName);
  return entry ? grantTarget(entry) : undefined;
}
