/**
 * OktaDirectory on the real Okta SDK against the wire-level stand-in: paging, statuses, membership checks,
 * the cache windows, unknown groups and people.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOktaWireServer, type OktaWireServer } from '../../../scripts/standins/okta-wire-server.js';
import { directoryFor, rejection } from './okta-helpers.js';

let server: OktaWireServer;
let bigGroupId: string;

beforeAll(async () => {
  server = await startOktaWireServer();
  bigGroupId = server.addGroup('big-approvers');
  for (let i = 0; i < 450; i += 1) {
    const email = `member${String(i).padStart(3, '0')}@example.com`;
    server.addUser({ email, status: 'ACTIVE', firstName: 'Member', lastName: String(i) });
    server.addMember('big-approvers', email);
  }
  server.addGroup('platform-approvers');
  server.addGroup('platform-approvers-extra');
  server.addUser({ email: 'ana@example.com', status: 'ACTIVE', firstName: 'Ana', lastName: 'Lima' });
  server.addUser({ email: 'sam@example.com', status: 'SUSPENDED' });
  server.addUser({ email: 'dee@example.com', status: 'DEPROVISIONED' });
  server.addUser({ email: 'lee@example.com', status: 'LOCKED_OUT' });
  server.addUser({ email: 'out@example.com', status: 'ACTIVE' });
  server.addUser({ email: 'kim@example.com', login: 'kim.admin', status: 'ACTIVE' });
  for (const email of ['ana@example.com', 'sam@example.com', 'dee@example.com', 'lee@example.com', 'kim@example.com']) {
    server.addMember('platform-approvers', email);
  }
  server.addMember('platform-approvers-extra', 'out@example.com');
  // An imported app group with the same name must not make its members approvers.
  const appGroupId = server.addGroup('platform-approvers', { type: 'APP_GROUP' });
  server.addUser({ email: 'imported@example.com', status: 'ACTIVE' });
  server.addMember(appGroupId, 'imported@example.com');
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.clearRequests();
  server.clearFaults();
});

describe('groupMembers', () => {
  it('lists every member of a group across pages of 200, requesting each page once', async () => {
    const { directory } = await directoryFor(server);
    const members = await directory.groupMembers('big-approvers');

    expect(members).toHaveLength(450);
    expect(new Set(members.map((m) => m.email)).size).toBe(450);
    expect(members.every((m) => m.active)).toBe(true);
    const pages = server.requests.filter((r) => r.path === `/api/v1/groups/${bigGroupId}/users`);
    expect(pages).toHaveLength(3);
    expect(pages.map((p) => p.query.limit)).toEqual(['200', '200', '200']);
    expect(new Set(pages.map((p) => p.query.after ?? '')).size).toBe(3);
  });

  it('maps people to the domain shape and marks only ACTIVE people active', async () => {
    const { directory } = await directoryFor(server);
    const members = await directory.groupMembers('platform-approvers');
    const byEmail = Object.fromEntries(members.map((m) => [m.email, m]));

    expect(Object.keys(byEmail).sort()).toEqual(['ana@example.com', 'dee@example.com', 'kim@example.com', 'lee@example.com', 'sam@example.com']);
    expect(byEmail['ana@example.com']).toMatchObject({ active: true, displayName: 'Ana Lima' });
    expect(byEmail['ana@example.com']?.id).toMatch(/^00u/);
    expect(byEmail['sam@example.com']?.active).toBe(false);
    expect(byEmail['dee@example.com']?.active).toBe(false);
    expect(byEmail['lee@example.com']?.active).toBe(false);
  });

  it('refuses a group that does not exist, naming it, and does not accept a prefix or another case', async () => {
    const { directory } = await directoryFor(server);
    for (const name of ['no-such-group', 'platform', 'Platform-Approvers']) {
      const err = await rejection(directory.groupMembers(name));
      expect(err.code).toBe('directory.group_not_found');
      expect(err.message).toContain(`"${name}"`);
    }
  });

  it('reuses a member list within memberListCacheSeconds and asks Okta again after it', async () => {
    const { directory, clock } = await directoryFor(server, { memberListCacheSeconds: 300 });
    await directory.groupMembers('big-approvers');
    const cold = server.requests.length;
    await directory.groupMembers('big-approvers');
    expect(server.requests.length).toBe(cold);

    clock.advance(301_000);
    await directory.groupMembers('big-approvers');
    expect(server.requests.length).toBeGreaterThan(cold);
  });
});

describe('findPerson and groupsOf', () => {
  it('finds people by primary email only, with their status and Okta id', async () => {
    const { directory } = await directoryFor(server);
    expect(await directory.findPerson('ana@example.com')).toMatchObject({ email: 'ana@example.com', active: true });
    expect((await directory.findPerson('ana@example.com'))?.id).toMatch(/^00u/);
    expect(await directory.findPerson('ANA@example.com')).toMatchObject({ email: 'ana@example.com' });
    // A login is not an identity here: only the primary email finds a person.
    expect(await directory.findPerson('kim.admin')).toBeUndefined();
    expect(await directory.findPerson('kim@example.com')).toMatchObject({ email: 'kim@example.com', active: true });
    expect(await directory.findPerson('dee@example.com')).toMatchObject({ active: false });
    expect(await directory.findPerson('nobody@example.com')).toBeUndefined();
  });

  it('lists a person\'s groups', async () => {
    const { directory } = await directoryFor(server);
    expect(await directory.groupsOf('out@example.com')).toEqual(['platform-approvers-extra']);
    expect((await directory.groupsOf('ana@example.com')).sort()).toEqual(['platform-approvers']);
    expect(await directory.groupsOf('nobody@example.com')).toEqual([]);
  });
});

describe('isActiveMember', () => {
  it('is true only for an ACTIVE member of that exact group', async () => {
    const { directory } = await directoryFor(server);
    expect(await directory.isActiveMember('ana@example.com', 'platform-approvers')).toBe(true);
    expect(await directory.isActiveMember('out@example.com', 'platform-approvers')).toBe(false);
    expect(await directory.isActiveMember('nobody@example.com', 'platform-approvers')).toBe(false);
    for (const email of ['sam@example.com', 'dee@example.com', 'lee@example.com']) {
      expect(await directory.isActiveMember(email, 'platform-approvers')).toBe(false);
    }
  });

  it('stops counting an approver removed from the group once the membership window passes', async () => {
    const gone = 'gone@example.com';
    server.addUser({ email: gone, status: 'ACTIVE' });
    server.addMember('platform-approvers', gone);
    const { directory, clock } = await directoryFor(server, { membershipCacheSeconds: 60 });
    expect(await directory.isActiveMember(gone, 'platform-approvers')).toBe(true);

    server.removeMember('platform-approvers', gone);
    clock.advance(30_000);
    // Still inside the window: the cached answer stands (the bound is what the docs promise).
    expect(await directory.isActiveMember(gone, 'platform-approvers')).toBe(true);
    clock.advance(31_000);
    expect(await directory.isActiveMember(gone, 'platform-approvers')).toBe(false);
  });

  it('sees a suspension at once without the cache: the SDK\'s own GET cache is not in the way', async () => {
    const flip = 'flip@example.com';
    server.addUser({ email: flip, status: 'ACTIVE' });
    server.addMember('platform-approvers', flip);
    const { directory } = await directoryFor(server, { membershipCacheSeconds: 0 });
    expect(await directory.isActiveMember(flip, 'platform-approvers')).toBe(true);

    server.setStatus(flip, 'SUSPENDED');
    expect(await directory.isActiveMember(flip, 'platform-approvers')).toBe(false);
    expect(server.requests.filter((r) => r.path === '/api/v1/users' && String(r.query.filter ?? '').includes(flip))).toHaveLength(2);
  });

  it('refuses a group that does not exist rather than answering false silently', async () => {
    const { directory } = await directoryFor(server);
    const err = await rejection(directory.isActiveMember('ana@example.com', 'ghost-group'));
    expect(err.code).toBe('directory.group_not_found');
    expect(err.message).toContain('ghost-group');
  });

  it('does not count membership of a group that only shares a prefix, or of an imported group of the same name', async () => {
    const { directory } = await directoryFor(server);
    expect(await directory.isActiveMember('out@example.com', 'platform-approvers')).toBe(false);
    expect(await directory.isActiveMember('imported@example.com', 'platform-approvers')).toBe(false);
    expect((await directory.groupMembers('platform-approvers')).map((p) => p.email)).not.toContain('imported@example.com');
    expect(await directory.isActiveMember('out@example.com', 'platform-approvers-extra')).toBe(true);
  });
});

describe('configuration', () => {
  it('refuses a membership window over five minutes', async () => {
    const err = await rejection(directoryFor(server, { membershipCacheSeconds: 301 }));
    expect(err.name).toBe('ConfigError');
    expect(err.message).toContain('directory.membership_cache');
    expect(err.message).toContain('300');
  });
});
