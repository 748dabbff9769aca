import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chainEvent, GENESIS_HASH, hashLayout, verifyChain } from '../../../scripts/core/audit-chain.js';
import type { AuditEvent } from '../../../scripts/core/types.js';

function log(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i += 1) {
    const event = chainEvent({ requestId: `req_${i % 2}`, type: `t${i}`, actor: 'a@example.com', at: 1_000 + i, data: { i } }, i, prev);
    events.push(event);
    prev = event.hash;
  }
  return events;
}

describe('the audit hash chain', () => {
  it('verifies an intact log and reports its head', () => {
    const events = log(5);
    expect(verifyChain(events)).toEqual({ ok: true, events: 5, headHash: events[4]!.hash });
  });

  it('finds an edited event', () => {
    const events = log(5);
    events[2] = { ...events[2]!, actor: 'mallory@example.com' };
    expect(verifyChain(events)).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/event 3 was edited/) });
  });

  it('finds an edited event whose hash was recomputed by the editor', () => {
    const events = log(5);
    const forged = chainEvent({ ...events[1]!, data: { i: 99 } }, 2, events[0]!.hash);
    events[1] = forged;
    expect(verifyChain(events)).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/does not follow event 2/) });
  });

  it('finds a deleted event', () => {
    const events = log(5);
    events.splice(1, 1);
    expect(verifyChain(events)).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/event 2 is missing/) });
  });

  it('finds reordered events', () => {
    const events = log(5);
    const swapped = [events[0]!, { ...events[2]!, seq: 2 }, { ...events[1]!, seq: 3 }, events[3]!, events[4]!];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, seq: 2 });
  });

  it('does not depend on the key order of the data', () => {
    const a = chainEvent({ requestId: null, type: 't', actor: 'x', at: 1, data: { a: 1, b: 2 } }, 1, GENESIS_HASH);
    const b = chainEvent({ requestId: null, type: 't', actor: 'x', at: 1, data: { b: 2, a: 1 } }, 1, GENESIS_HASH);
    expect(a.hash).toBe(b.hash);
  });
});

describe('hashLayout: the hashed text split around prevHash and seq', () => {
  const events = [
    { requestId: 'req_1', type: 'request_created', actor: 'dev@example.com', at: 1_800_000_000_000, data: {} },
    { requestId: null, type: 'config_loaded', actor: 'kubiya-jit', at: 0, data: { z: [1, { b: 2, a: null }], a: 'é "quoted" \\ \u0000 \ud83d', n: -1.5e-7 } },
    { requestId: 'req_"odd"', type: 'x', actor: 'a\nb', at: 42, data: { nested: { deep: { deeper: true } }, undef: undefined } },
  ];
  it.each(events.map((event, i) => [i, event] as const))('gives the same hash as chainEvent (event %i)', (_i, event) => {
    for (const [seq, prev] of [[1, GENESIS_HASH], [123_456, 'ab'.repeat(32)]] as const) {
      const { before, between, after } = hashLayout(event as never);
      const hash = createHash('sha256').update(`${before}${prev}${between}${seq}${after}`).digest('hex');
      expect(hash).toBe(chainEvent(event as never, seq, prev).hash);
    }
  });
});
