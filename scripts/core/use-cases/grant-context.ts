import type { CatalogEntry } from '../catalog.js';
import type { GrantContext } from '../ports.js';
import type { AccessRequest } from '../types.js';

/**
 * The provider's view of a request. The grant id is the request id: one request makes at most one grant,
 * and every resource a provider creates is named or tagged with it.
 */
export function grantContext(
  request: Pick<AccessRequest, 'id' | 'requester' | 'toolName' | 'toolParams' | 'expiresAt' | 'decidedBy' | 'enforcerRequestId'>,
  entry: CatalogEntry,
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
