/**
 * The Directory contract: what every directory (config lists, Okta, GitHub, Google Workspace, Microsoft
 * Entra) must do the same way, run over each by `test/integration/directories/contract.test.ts`. Only ACTIVE
 * people count; a person is their primary email and their stable id, never a login or alias; members of
 * nested groups are members; a removal or suspension is seen at decision time within the membership window
 * (at once when it is 0 s); caches configured to 0 s are never used; failures are named and keep secrets.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../scripts/core/clock.js';
import type { Directory } from '../../scripts/core/ports.js';
import { BIG, type DirectoryWorld, WHO } from './directory-world.js';

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection, got a result');
}

/** Registers the contract for the world `start` creates; each test gets a world of its own. */
export function directoryContract(name: string, start: () => Promise<DirectoryWorld>): void {
  async function withWorld(test: (world: DirectoryWorld, open: (o?: Parameters<DirectoryWorld['open']>[0]) => Promise<Directory>) => Promise<void>) {
    const world = await start();
    try {
      await test(world, (o) => world.open(o));
    } finally {
      await world.close();
    }
  }

  describe(`the Directory contract: ${name}`, () => {
    it('lists every member of a group over three pages, all ACTIVE', () =>
      withWorld(async (w, open) => {
        const members = await (await open()).groupMembers(w.group('big'));
        expect(members.map((m) => m.email).sort()).toEqual([...BIG].sort());
        expect(members.every((m) => m.active)).toBe(true);
      }));

    it('never counts a suspended or disabled member as ACTIVE', () =>
      withWorld(async (w, open) => {
        const directory = await open();
        const members = await directory.groupMembers(w.group('approvers'));
        expect(members.filter((m) => m.active).map((m) => m.email).sort()).toEqual([WHO.ana, WHO.bo, WHO.cy, WHO.kim].sort());
        expect(members.find((m) => m.email === WHO.sus)?.active ?? false).toBe(false);
        expect(await directory.isActiveMember(WHO.sus, w.group('approvers'))).toBe(false);
        expect((await directory.findPerson(WHO.sus))?.active ?? false).toBe(false);
      }));

    it('answers membership for members, non-members and unknown people', () =>
      withWorld(async (w, open) => {
        const directory = await open();
        expect(await directory.isActiveMember(WHO.ana, w.group('approvers'))).toBe(true);
        expect(await directory.isActiveMember(WHO.ana.toUpperCase(), w.group('approvers'))).toBe(true);
        expect(await directory.isActiveMember(WHO.out, w.group('approvers'))).toBe(false);
        expect(await directory.isActiveMember(WHO.nobody, w.group('approvers'))).toBe(false);
        expect(await directory.isActiveMember(WHO.out, w.group('other'))).toBe(true);
      }));

    it('refuses a group that does not exist, naming it, for lists and for membership checks', () =>
      withWorld(async (w, open) => {
        const directory = await open();
        const missing = w.group('approvers').replace('approvers', 'no-such-group').replace('Approvers', 'No-such-group');
        for (const err of [await rejection(directory.groupMembers(missing)), await rejection(directory.isActiveMember(WHO.ana, missing))]) {
          expect(err.code).toBe('directory.group_not_found');
          expect(err.message).toContain(missing);
        }
      }));

    it('finds a person by primary email, in any case, and nobody for an unknown email', () =>
      withWorld(async (w, open) => {
        const directory = await open();
        expect(await directory.findPerson(WHO.ana)).toMatchObject({ email: WHO.ana, active: true });
        expect(await directory.findPerson(WHO.ana.toUpperCase())).toMatchObject({ email: WHO.ana });
        expect(await directory.findPerson(WHO.nobody)).toBeUndefined();
      }));

    it('gives each person the directory\'s stable id, the same from a lookup and from a group', async () => {
      const world = await start();
      try {
        if (!world.caps.stableIds) return;
        const directory = await world.open();
        const found = await directory.findPerson(WHO.ana);
        const listed = (await directory.groupMembers(world.group('approvers'))).find((m) => m.email === WHO.ana);
        expect(found?.id).toMatch(/\S/);
        expect(listed?.id).toBe(found?.id);
        expect((await directory.findPerson(WHO.bo))?.id).not.toBe(found?.id);
      } finally {
        await world.close();
      }
    });

    it('counts members of a nested group as members, and stops when they leave the nested group', () =>
      withWorld(async (w, open) => {
        const directory = await open({ membershipCacheSeconds: 0, memberListCacheSeconds: 0 });
        expect((await directory.groupMembers(w.group('approvers'))).map((m) => m.email)).toContain(WHO.cy);
        expect(await directory.isActiveMember(WHO.cy, w.group('approvers'))).toBe(true);
        if (!w.caps.nesting) return;
        w.removeMember('child', WHO.cy);
        expect(await directory.isActiveMember(WHO.cy, w.group('approvers'))).toBe(false);
        expect((await directory.groupMembers(w.group('approvers'))).map((m) => m.email)).not.toContain(WHO.cy);
      }));

    it('sees a removal and a suspension at once when the membership window is 0 s', () =>
      withWorld(async (w, open) => {
        const directory = await open({ membershipCacheSeconds: 0, memberListCacheSeconds: 0 });
        expect(await directory.isActiveMember(WHO.ana, w.group('approvers'))).toBe(true);
        expect(await directory.isActiveMember(WHO.bo, w.group('approvers'))).toBe(true);
        w.removeMember('approvers', WHO.ana);
        w.suspend(WHO.bo);
        expect(await directory.isActiveMember(WHO.ana, w.group('approvers'))).toBe(false);
        expect(await directory.isActiveMember(WHO.bo, w.group('approvers'))).toBe(false);
        expect((await directory.findPerson(WHO.bo))?.active).toBe(false);
      }));

    it('keeps a membership answer no longer than the membership window', () =>
      withWorld(async (w, open) => {
        if (!w.caps.caches) return;
        const clock = new ManualClock(Date.UTC(2030, 0, 1));
        const directory = await open({ clock, membershipCacheSeconds: 60 });
        expect(await directory.isActiveMember(WHO.ana, w.group('approvers'))).toBe(true);
        w.removeMember('approvers', WHO.ana);
        clock.advance(30_000);
        expect(await directory.isActiveMember(WHO.ana, w.group('approvers'))).toBe(true);
        clock.advance(31_000);
        expect(await directory.isActiveMember(WHO.ana, w.group('approvers'))).toBe(false);
      }));

    it('reuses a member list within its window, and never caches when both windows are 0 s', () =>
      withWorld(async (w, open) => {
        if (!w.caps.caches) return;
        const clock = new ManualClock(Date.UTC(2030, 0, 1));
        const cached = await open({ clock, memberListCacheSeconds: 300 });
        await cached.groupMembers(w.group('big'));
        const afterCold = w.requestCount();
        await cached.groupMembers(w.group('big'));
        expect(w.requestCount()).toBe(afterCold);
        clock.advance(301_000);
        await cached.groupMembers(w.group('big'));
        expect(w.requestCount()).toBeGreaterThan(afterCold);

        const uncached = await open({ clock, memberListCacheSeconds: 0, membershipCacheSeconds: 0 });
        await uncached.groupMembers(w.group('big'));
        await uncached.isActiveMember(WHO.ana, w.group('approvers'));
        const before = w.requestCount();
        await uncached.groupMembers(w.group('big'));
        const between = w.requestCount();
        await uncached.isActiveMember(WHO.ana, w.group('approvers'));
        expect(between).toBeGreaterThan(before);
        expect(w.requestCount()).toBeGreaterThan(between);
      }));

    it('refuses a wrong credential naming the setting, never the secret; and says when the provider is down', () =>
      withWorld(async (w, open) => {
        if (!w.caps.faults) return;
        const refused = await rejection((async () => (await open({ broken: 'credential' })).groupMembers(w.group('approvers')))());
        expect(refused.code).toBe(`${w.codePrefix}.unauthorized`);
        expect(refused.message).toMatch(w.credential.setting);
        expect(refused.message).not.toContain(w.credential.secret);
        const down = await rejection((async () => (await open({ broken: 'down' })).isActiveMember(WHO.ana, w.group('approvers')))());
        expect(down.code).toBe(`${w.codePrefix}.unreachable`);
      }));

    describe('a person is their primary email, never another identifier', () => {
      it('finds nobody for an address that becomes a member\'s only after Unicode case folding', () =>
        withWorld(async (w, open) => {
          const directory = await open({ membershipCacheSeconds: 0, memberListCacheSeconds: 0 });
          // U+212A KELVIN SIGN lower-cases to "k", and U+0131 (dotless i) upper-cases to "I": folded, either is kim, an ACTIVE approver.
          const lookAlike = `\u212A${WHO.kim.slice(1)}`;
          expect(await directory.findPerson(WHO.kim)).toBeDefined();
          expect(await directory.findPerson(lookAlike)).toBeUndefined();
          expect(await directory.isActiveMember(lookAlike, w.group('approvers'))).toBe(false);
          expect(await directory.isActiveMember(`${WHO.kim.slice(0, 1)}\u0131m@example.com`, w.group('approvers'))).toBe(false);
        }));

      it('does not find a person by a login, alias or user principal name', async () => {
        const world = await start();
        try {
          if (!world.secondIdentifier) return;
          await pendingCheck(world, 'primary-email-only', async () => {
            const directory = await world.open();
            expect(await directory.findPerson(world.secondIdentifier!)).toBeUndefined();
            expect(await directory.isActiveMember(world.secondIdentifier!, world.group('approvers'))).toBe(false);
          });
        } finally {
          await world.close();
        }
      });

      it('resolves an email that is another account\'s login or UPN to the person whose primary email it is', async () => {
        const world = await start();
        try {
          if (!world.collision) return;
          await pendingCheck(world, 'primary-email-only', async () => {
            const person = await (await world.open()).findPerson(world.collision!.email);
            expect(person?.id).toBe(world.collision!.ownerId());
          });
        } finally {
          await world.close();
        }
      });
    });
  });
}

/**
 * Runs a check the world says it does not meet yet (its `pending` names the rule and why): then the check must
 * fail, so the day it passes the pending entry has to go. Otherwise runs it plainly.
 */
async function pendingCheck(world: DirectoryWorld, rule: string, check: () => Promise<void>): Promise<void> {
  if (!world.pending?.[rule]) return check();
  let passed = false;
  try {
    await check();
    passed = true;
  } catch {
    // The known gap, as expected.
  }
  expect(passed, `${world.name} now meets "${rule}": remove it from the world's pending list`).toBe(false);
}
