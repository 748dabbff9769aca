import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { AuditEvent, NewAuditEvent } from './types.js';

/** The hash before the first event of a log. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Numbers and chains a new event after the event whose hash is `prevHash`. The hash covers the sequence
 * number, every field and the previous hash, so editing, deleting or reordering any event breaks the chain
 * from that point on.
 */
export function chainEvent(event: NewAuditEvent, seq: number, prevHash: string): AuditEvent {
  const hash = hashEvent({ ...event, seq, prevHash });
  return { ...event, seq, prevHash, hash };
}

/**
 * The text an event's hash covers, split around the two values known only at the moment it is appended (the
 * previous hash and the sequence number): the hash is sha256 of `before + prevHash + between + seq + after`,
 * exactly what {@link chainEvent} computes. A store that serialises appends inside the database (PostgreSQL,
 * in one statement) chains events with it, so the lock on the chain head is held for no round trip.
 */
export function hashLayout(event: NewAuditEvent): { before: string; between: string; after: string } {
  // canonicalJson sorts keys: actor, at, data, prevHash, requestId, seq, type.
  return {
    before: `{"actor":${canonicalJson(event.actor)},"at":${canonicalJson(event.at)},"data":${canonicalJson(event.data)},"prevHash":"`,
    between: `","requestId":${canonicalJson(event.requestId)},"seq":`,
    after: `,"type":${canonicalJson(event.type)}}`,
  };
}

function hashEvent(event: Omit<AuditEvent, 'hash'>): string {
  const body = canonicalJson({
    seq: event.seq,
    requestId: event.requestId,
    type: event.type,
    actor: event.actor,
    at: event.at,
    data: event.data,
    prevHash: event.prevHash,
  });
  return createHash('sha256').update(body).digest('hex');
}

/** The outcome of checking a log: intact, or the first event where it breaks and how. */
export type ChainVerdict =
  | { ok: true; events: number; headHash: string }
  | { ok: false; events: number; seq: number; problem: string };

/** An event the chain was verified up to earlier: its sequence number and hash. */
export interface ChainStart {
  seq: number;
  hash: string;
}

/**
 * An event up to which the whole chain was once verified intact, and when: a later check starts from it
 * and rehashes only the events after it (a full check is `kubiya-jit audit verify`).
 */
export interface AuditCheckpoint extends ChainStart {
  /** Epoch milliseconds of the check. */
  verifiedAt: number;
}

/**
 * Walks the log in stored order and reports the first event that was edited (its hash no longer matches its
 * content), deleted (a gap in the sequence) or reordered (its previous hash is not the hash before it). With
 * `start`, `events` is the part of the log after that event, which must follow it; the verdict's `events`
 * then counts the whole log (the start's events and these).
 */
export function verifyChain(events: readonly AuditEvent[], start?: ChainStart): ChainVerdict {
  let prevHash = start?.hash ?? GENESIS_HASH;
  let expectedSeq = (start?.seq ?? 0) + 1;
  const total = (start?.seq ?? 0) + events.length;
  for (const event of events) {
    if (event.seq !== expectedSeq) {
      const problem =
        event.seq > expectedSeq
          ? `event ${expectedSeq}${event.seq - expectedSeq > 1 ? `–${event.seq - 1}` : ''} is missing (deleted)`
          : `event ${event.seq} is out of order (expected ${expectedSeq})`;
      return { ok: false, events: total, seq: event.seq, problem };
    }
    if (event.prevHash !== prevHash) {
      return { ok: false, events: total, seq: event.seq, problem: `event ${event.seq} does not follow event ${event.seq - 1} (reordered or an earlier event was replaced)` };
    }
    const { hash, ...rest } = event;
    if (hashEvent(rest) !== hash) {
      return { ok: false, events: total, seq: event.seq, problem: `event ${event.seq} was edited after it was written` };
    }
    prevHash = hash;
    expectedSeq += 1;
  }
  return { ok: true, events: total, headHash: prevHash };
}
