import { nextStatus, type Action } from '../lifecycle.js';
import type { AccessRequest, Json } from '../types.js';
import type { JitDeps } from './deps.js';
import { announcements, type Announcement } from './notify.js';

/** One audit event to write with a transition. */
export interface TransitionEvent {
  type: string;
  actor: string;
  data?: Record<string, Json>;
}

/**
 * Moves `request` by `action` with `patch` applied, as one compare-and-swap that also appends the events and
 * enqueues the notifications in `announce` (sent later from the outbox, never before the change is stored).
 * Returns the stored request, or undefined when another writer changed the request first (the caller then
 * re-reads it and answers from what it finds). Throws a ConflictError when the action is not allowed at all.
 */
export async function transition(
  deps: Pick<JitDeps, 'store' | 'clock'>,
  request: AccessRequest,
  action: Action,
  patch: Partial<AccessRequest>,
  events: TransitionEvent[],
  announce: Announcement = {},
): Promise<AccessRequest | undefined> {
  const status = nextStatus(request.status, action, patch.endKind ?? request.endKind);
  const now = deps.clock.now();
  const next: AccessRequest = { ...request, ...patch, status, version: request.version + 1, updatedAt: now };
  const stored = await deps.store.update(
    request,
    next,
    events.map((event) => ({
      requestId: request.id,
      type: event.type,
      actor: event.actor,
      at: now,
      data: { from: request.status, to: status, ...(event.data ?? {}) },
    })),
    announcements(next, announce, now),
  );
  return stored ? next : undefined;
}
