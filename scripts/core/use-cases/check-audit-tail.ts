import { verifyChain, type AuditCheckpoint, type ChainVerdict } from '../audit-chain.js';
import type { AuditEvent } from '../types.js';
import type { JitDeps } from './deps.js';

/** What {@link checkAuditTail} found: a chain verdict, and where the check started. */
export type TailVerdict = ChainVerdict & {
  /** The checkpoint the check started from; undefined when it read the whole log. */
  checkpoint?: AuditCheckpoint;
  /** How many events this check rehashed. */
  rehashed: number;
};

// A request whose creation event is missing is looked up by itself before the log is called cut; this many at most.
const MAX_LOOKUPS = 100;

/**
 * Checks the audit chain from the newest checkpoint (or from its start, before the first): the checkpoint's
 * event must still be there with the hash recorded when it was verified, and every event after it must
 * follow it. A log cut at its end is caught when the cut reaches back past the checkpoint (its event is
 * gone) or past the creation of a request still stored (`requests`: each must keep its `request_created`
 * event). When the chain holds, the head becomes the new checkpoint, so the next check rehashes only what
 * was appended since. Events before the checkpoint are not rehashed: `kubiya-jit audit verify` checks the
 * whole log.
 */
export async function checkAuditTail(deps: Pick<JitDeps, 'store' | 'clock'>, requests: readonly { id: string; createdAt: number }[]): Promise<TailVerdict> {
  const checkpoint = await deps.store.auditCheckpoint();
  const events = await deps.store.auditEvents(checkpoint ? { fromSeq: checkpoint.seq } : {});
  const verdict = checkpoint ? fromCheckpoint(events, checkpoint) : verifyChain(events);
  const found: TailVerdict = { ...verdict, rehashed: events.length, ...(checkpoint ? { checkpoint } : {}) };
  if (!verdict.ok) return found;
  const cut = await cutCreations(deps, events, requests, checkpoint ? events[0]!.at : -Infinity);
  if (cut) return { ok: false, events: verdict.events, seq: verdict.events, problem: cut, rehashed: events.length, ...(checkpoint ? { checkpoint } : {}) };
  if (verdict.events > (checkpoint?.seq ?? 0)) {
    await deps.store.saveAuditCheckpoint({ seq: verdict.events, hash: verdict.headHash, verifiedAt: deps.clock.now() });
  }
  return found;
}

/**
 * Why the checkpoint no longer holds, or undefined when it does: `event` is the stored event numbered as the
 * checkpoint (undefined when there is none at or after that number), `later` whether any event follows.
 */
export function checkpointProblem(event: AuditEvent | undefined, checkpoint: AuditCheckpoint, later: boolean): string | undefined {
  const when = new Date(checkpoint.verifiedAt).toISOString();
  if (event?.seq === checkpoint.seq) {
    return event.hash === checkpoint.hash ? undefined : `event ${checkpoint.seq} was replaced after it was verified at ${when} (its hash is not the one recorded then)`;
  }
  return later || event
    ? `event ${checkpoint.seq}, verified intact at ${when}, is missing (deleted)`
    : `event ${checkpoint.seq}, verified intact at ${when}, is gone: the log was cut back (events deleted from its end)`;
}

/** Verifies `events` (the checkpoint's event and every later one) against the checkpoint. */
function fromCheckpoint(events: readonly AuditEvent[], checkpoint: AuditCheckpoint): ChainVerdict {
  const problem = checkpointProblem(events[0], checkpoint, events.length > 1);
  if (problem) return { ok: false, events: events.length, seq: checkpoint.seq, problem };
  // Starting from the checkpoint event's own predecessor hash rehashes that event too: its content must still match.
  return verifyChain(events, { seq: checkpoint.seq - 1, hash: events[0]!.prevHash });
}

/**
 * Stored requests created since `since` whose `request_created` event is not among `events`: the log was cut
 * back past their creation. Each is looked up by itself first, since a host whose clock ran ahead may have
 * written one just before the checkpoint's event.
 */
async function cutCreations(
  deps: Pick<JitDeps, 'store'>,
  events: readonly AuditEvent[],
  requests: readonly { id: string; createdAt: number }[],
  since: number,
): Promise<string | undefined> {
  const created = new Set<string | null>();
  for (const event of events) if (event.type === 'request_created') created.add(event.requestId);
  const suspects = requests.filter((r) => r.createdAt >= since && !created.has(r.id)).slice(0, MAX_LOOKUPS);
  const missing: string[] = [];
  for (const request of suspects) {
    const own = await deps.store.auditEvents({ requestId: request.id });
    if (!own.some((e) => e.type === 'request_created')) missing.push(request.id);
  }
  if (missing.length === 0) return undefined;
  const shown = `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? `, and ${missing.length - 5} more` : ''}`;
  return `${missing.length} stored request${missing.length > 1 ? 's have' : ' has'} no request_created event in the log (${shown}): events were deleted from its end`;
}
