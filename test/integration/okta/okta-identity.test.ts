/**
 * Identity on Okta (issue 8): a person is found by primary email only, never by a login that happens to equal
 * someone else's email; a look-alike address is never folded into another; and a cache configured to 0s is
 * never read, on any path, even when an earlier config left entries behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaWireServer, type OktaWireServer } from '../../../scripts/standins/okta-wire-server.js';
import { directoryFor, MemoryCache } from './okta-helpers.js';
import { ManualClock } from '../../../scripts/core/clock.js';

let server: OktaWireServer;
let bobId: string;
let kaiId: string;

beforeAll(async () => {
  server = await startOktaWireServer();
  server.addGroup('prod-approvers');
  // Mallory's Okta login is Bob's email address: Okta allows any email-shaped login.
  server.addUser({ email: 'mallory@example.com', login: 'bob@example.com', status: 'ACTIVE' });
  bobId = server.addUser({ email: 'bob@example.com', login: 'bob.b', status: 'ACTIVE' });
  server.addMember('prod-approvers', 'mallory@example.com');
  // Someone whose primary email starts with the Kelvin sign, which lower-cases to an ASCII "k".
  server.addUser({ email: '\u212Aai@example.com', login: 'kelvin.user', status: 'ACTIVE' });
  kaiId = server.addUser({ email: 'kai@example.com', login: 'kai.user', status: 'ACTIVE' });
  server.addMember('prod-approvers', 'kelvin.user');
  server.addGroup('cache-group');
  server.addUser({ email: 'cached@example.com', status: 'ACTIVE' });
  server.addMember('cache-group', 'cached@example.com');
});

afterAll(async () => server.close());

describe('people are found by primary email only', () => {
  it('does not judge Bob by the account whose login is Bob\'s email', async () => {
    const { directory } = await directoryFor(server);
    expect((await directory.findPerson('bob@example.com'))?.id).toBe(bobId);
    // Mallory (login bob@example.com) is an approver; Bob is not, and must not become one through her login.
    expect(await directory.isActiveMember('bob@example.com', 'prod-approvers')).toBe(false);
    expect(await directory.groupsOf('bob@example.com')).toEqual([]);
    expect(await directory.isActiveMember('mallory@example.com', 'prod-approvers')).toBe(true);
  });

  it('never folds a look-alike address into another person\'s', async () => {
    const { directory } = await directoryFor(server);
    expect((await directory.findPerson('kai@example.com'))?.id).toBe(kaiId);
    expect(await directory.isActiveMember('kai@example.com', 'prod-approvers')).toBe(false);
    // The look-alike member is listed as they are, so no normalised identity equals them.
    const emails = (await directory.groupMembers('prod-approvers')).map((p) => p.email);
    expect(emails).toContain('\u212Aai@example.com');
    expect(emails).not.toContain('kai@example.com');
    // Asking by the look-alike itself finds no one: it is not a valid identity.
    expect(await directory.findPerson('\u212Aai@example.com')).toBeUndefined();
  });
});

describe('a cache configured to 0s is never read', () => {
  async function pair(settings: { membershipCacheSeconds?: number; memberListCacheSeconds?: number }) {
    const cache = new MemoryCache();
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const warm = await directoryFor(server, { cache, clock, membershipCacheSeconds: 300, memberListCacheSeconds: 3600 });
    const cold = await directoryFor(server, { cache, clock, ...settings });
    return { warm: warm.directory, cold: cold.directory };
  }

  it('for membership checks', async () => {
    const { warm, cold } = await pair({ membershipCacheSeconds: 0 });
    expect(await warm.isActiveMember('cached@example.com', 'cache-group')).toBe(true);
    server.setStatus('cached@example.com', 'SUSPENDED');
    try {
      expect(await warm.isActiveMember('cached@example.com', 'cache-group')).toBe(true);
      expect(await cold.isActiveMember('cached@example.com', 'cache-group')).toBe(false);
    } finally {
      server.setStatus('cached@example.com', 'ACTIVE');
    }
  });

  it('for person lookups', async () => {
    const { warm, cold } = await pair({ membershipCacheSeconds: 0 });
    expect((await warm.findPerson('cached@example.com'))?.active).toBe(true);
    server.setStatus('cached@example.com', 'SUSPENDED');
    try {
      expect((await cold.findPerson('cached@example.com'))?.active).toBe(false);
    } finally {
      server.setStatus('cached@example.com', 'ACTIVE');
    }
  });

  it('for member lists', async () => {
    const { warm, cold } = await pair({ memberListCacheSeconds: 0 });
    expect((await warm.groupMembers('cache-group')).map((p) => p.email)).toEqual(['cached@example.com']);
    server.addUser({ email: 'newcomer@example.com', status: 'ACTIVE' });
    server.addMember('cache-group', 'newcomer@example.com');
    expect((await warm.groupMembers('cache-group')).map((p) => p.email)).toHaveLength(1);
    expect((await cold.groupMembers('cache-group')).map((p) => p.email).sort()).toEqual(['cached@example.com', 'newcomer@example.com']);
  });
});
