/**
 * Measures how long resolving approvers takes for a big Okta group: 2,000 ACTIVE members served by the
 * wire-level stand-in in Okta's pages of 200, through the real SDK and OktaDirectory, once with an empty
 * cache (cold) and once more from a new directory on the same SQLite store (warm, as the next tool run
 * would find it). The SDK's import is done before timing: it is a process-start cost, not a lookup cost.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createOktaDirectory } from '../adapters/okta/okta-directory.js';
import { SqliteRequestStore } from '../adapters/store/sqlite-request-store.js';
import { systemClock } from '../adapters/system-clock.js';
import type { Logger } from '../core/ports.js';
import { startOktaWireServer } from '../standins/okta-wire-server.js';

const GROUP = 'bench-approvers';
const MEMBERS = 2000;
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Resolves a 2,000-member group cold and warm; returns the member count and both timings in ms. */
export async function benchApprovers(): Promise<{ members: number; coldMs: number; warmMs: number }> {
  const server = await startOktaWireServer({ pageLimitMax: 200 });
  const store = SqliteRequestStore.open(':memory:');
  try {
    server.addGroup(GROUP);
    for (let i = 0; i < MEMBERS; i += 1) {
      const email = `approver${i}@example.com`;
      server.addUser({ email, status: 'ACTIVE' });
      server.addMember(GROUP, email);
    }
    const env = { OKTA_ORG_URL: server.orgUrl, OKTA_API_TOKEN: server.token };
    const options = { cache: store, clock: systemClock, log: quiet };

    const cold = await createOktaDirectory(env, options);
    const coldStart = performance.now();
    const resolved = await cold.groupMembers(GROUP);
    const coldMs = performance.now() - coldStart;

    const warm = await createOktaDirectory(env, options);
    const warmStart = performance.now();
    const again = await warm.groupMembers(GROUP);
    const warmMs = performance.now() - warmStart;

    const active = resolved.filter((p) => p.active).length;
    if (active !== MEMBERS || again.length !== MEMBERS) {
      throw new Error(`approvers bench: expected ${MEMBERS} active members, got ${active} cold and ${again.length} warm`);
    }
    return { members: active, coldMs: Math.round(coldMs * 10) / 10, warmMs: Math.round(warmMs * 10) / 10 };
  } finally {
    await store.close();
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { members, coldMs, warmMs } = await benchApprovers();
  console.log(`approvers: ${members} Okta group members in pages of 200: cold ${coldMs} ms, cache warm ${warmMs} ms`);
}
