import { PermissionError } from '../errors.js';
import type { JitDeps } from './deps.js';

/**
 * Records in the audit log a request refused because of who asked (outside the allowed groups, not active,
 * asking for someone else), so analytics can count them: such a request never gets a row. Returns the error
 * to throw. A failure to record is logged and never replaces the refusal the person must see.
 */
export async function refusedRequest(
  deps: Pick<JitDeps, 'store' | 'clock' | 'log' | 'catalog'>,
  error: PermissionError,
  who: { runner: string; requester: string; toolName: string | undefined },
): Promise<PermissionError> {
  // Only a tool the catalog knows is recorded by name: anything else is text the person typed.
  const entry = deps.catalog.get((who.toolName ?? '').trim());
  try {
    await deps.store.appendAudit([
      {
        requestId: null,
        type: 'request_refused',
        actor: who.runner,
        at: deps.clock.now(),
        data: { reason: error.code.replace(/^request\./, ''), requester: who.requester, ...(entry ? { tool: entry.name, provider: entry.provider } : {}) },
      },
    ]);
  } catch (err) {
    deps.log.error('recording a refused request failed', { code: error.code, error: String(err) });
  }
  return error;
}

/** Runs the requester checks, recording a refusal in the audit log before passing it on. */
export async function auditRefusals(
  deps: Pick<JitDeps, 'store' | 'clock' | 'log' | 'catalog'>,
  who: { runner: string; requester: string; toolName: string | undefined },
  checks: () => Promise<void>,
): Promise<void> {
  try {
    await checks();
  } catch (err) {
    if (err instanceof PermissionError) throw await refusedRequest(deps, err, who);
    throw err;
  }
}
