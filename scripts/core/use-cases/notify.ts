import type { RequesterNotice } from '../ports.js';
import type { AccessRequest } from '../types.js';
import type { JitDeps } from './deps.js';

/**
 * Brings the approvers' message up to date and tells the requester, if asked. Notifications follow a change
 * that is already stored, so a failure here is logged and never undoes or fails the change itself.
 */
export async function announce(deps: Pick<JitDeps, 'notifier' | 'log'>, request: AccessRequest, notice?: RequesterNotice): Promise<void> {
  if (request.approvalMessage) {
    await deps.notifier.updateApprovalRequest(request.approvalMessage, request).catch((err: unknown) => {
      deps.log.warn('updating the approvers message failed', { requestId: request.id, error: String(err) });
    });
  }
  if (notice) {
    await deps.notifier.notifyRequester(request, notice).catch((err: unknown) => {
      deps.log.warn('messaging the requester failed', { requestId: request.id, notice, error: String(err) });
    });
  }
}
