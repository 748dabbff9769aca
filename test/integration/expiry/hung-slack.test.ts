import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { waitFor } from '../../support/expiry-harness.js';
import { CLI, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

const dmsSaying = (h: LifecycleHarness, word: RegExp) => h.directMessages().map((m) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`).filter((t) => word.test(t));

/**
 * A Slack that hangs (accepts calls and never answers: the stand-in's test fault) must delay no removal: grants
 * due together end together, the notices wait in the outbox and go out once Slack answers again. Before the
 * outbox, each end waited for its Slack calls' timeouts, so the fourth of four grants due together ended
 * minutes late.
 */
describe('a Slack that hangs', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => {
    h.slack.recover();
    await h.close();
  });

  async function granted(): Promise<string> {
    const made = await h.request();
    const id = made.json.request_id as string;
    expect(id, made.stdout + made.stderr).toBeTruthy();
    const approved = await h.approve(id, PEOPLE.alice.email);
    expect(approved.code, approved.stdout).toBe(0);
    return id;
  }

  it('delays no removal: four grants due together all end while it hangs, and are announced once it answers again', async () => {
    const ids = [await granted(), await granted(), await granted(), await granted()];
    const store = SqliteRequestStore.open(h.databasePath);
    for (const id of ids) {
      const row = (await store.get(id))!;
      // The end is chained in the audit trail (a row that disagrees with its events is restored from them), so
      // it moves there too, as the expiry harness does.
      const at = Date.now() - 1;
      const moved = { type: 'request_approved', actor: row.decidedBy!, at: Date.now(), requestId: id, data: { ttl_seconds: row.ttlSeconds, expires_at_ms: at, expires_at: new Date(at).toISOString() } };
      expect(await store.update(row, { ...row, version: row.version + 1, expiresAt: at, warned: true }, [moved])).toBe(true);
    }
    await store.close();
    h.slack.degrade({ hang: true });
    const hungBefore = h.slack.calls.filter((c) => c.hung).length;
    const worker = spawn(process.execPath, [CLI, 'worker', '--output', 'json'], { env: h.env(undefined) });
    const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
    try {
      const started = Date.now();
      const after = SqliteRequestStore.open(h.databasePath);
      const ended = async () => (await Promise.all(ids.map((id) => after.get(id)))).every((r) => r?.status === 'access_expired');
      await waitFor(async () => ids.every((id) => h.grants()[id] === undefined) && (await ended()), 'the four grants to end', 90_000);
      // Generous for a loaded machine, and far below the old behaviour (about 30 s of Slack timeouts per grant).
      expect(Date.now() - started).toBeLessThan(45_000);
      await waitFor(() => h.slack.calls.filter((c) => c.hung).length > hungBefore, 'the worker to try Slack', 30_000);
      expect(dmsSaying(h, /has \*expired\*/)).toEqual([]);

      h.slack.recover();
      await waitFor(() => ids.every((id) => dmsSaying(h, /has \*expired\*/).some((t) => t.includes(id))), 'the expiry DMs from the outbox', 90_000);
      await waitFor(async () => (await after.outbox({ state: 'pending' })).length === 0, 'the outbox to empty', 90_000);
      expect(await after.outbox({ state: 'abandoned' })).toEqual([]);
      await after.close();
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 240_000);

  it('lets an approval answer without waiting for Slack; the message update and the DM follow from the outbox', async () => {
    const made = await h.request();
    const id = made.json.request_id as string;
    expect(id, made.stdout + made.stderr).toBeTruthy();
    h.slack.degrade({ hang: true }, ['chat.update', 'users.lookupByEmail', 'conversations.open']);
    const started = Date.now();
    const approved = await h.approve(id, PEOPLE.alice.email);
    const took = Date.now() - started;
    expect(approved.code, approved.stdout).toBe(0);
    expect(approved.json.status).toBe('access_granted');
    expect(h.grants()[id]).toBeDefined();
    // One short delivery timeout; before, each of the calls waited out Slack's 15 s timeout in turn.
    expect(took).toBeLessThan(25_000);
    expect(dmsSaying(h, /approved/i).some((t) => t.includes(id))).toBe(false);

    h.slack.recover();
    await waitFor(
      async () => {
        await h.run(undefined, ['sweep']);
        return dmsSaying(h, /approved/i).some((t) => t.includes(id));
      },
      'the approval DM from the outbox',
      90_000,
    );
    const update = h.messagesIn().find((m) => JSON.stringify(m.blocks ?? []).includes(id));
    expect(update?.history.length, 'the approvers’ message was updated').toBeGreaterThan(0);
  }, 180_000);
});
