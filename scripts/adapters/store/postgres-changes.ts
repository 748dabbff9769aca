import type { Client } from 'pg';
import type { ChangeWatch } from '../../core/ports.js';
import { CHANGES_CHANNEL } from './postgres-migrations.js';
import { openClient } from './postgres-pool.js';
import type { PostgresSettings } from './postgres-settings.js';

/** Longest wait between attempts to re-open a lost LISTEN connection. */
const MAX_RECONNECT_MS = 30_000;

/**
 * Listens on the channel the `requests` trigger notifies (migration 1), on a connection of its own, so a
 * write by any process on any host that shares the database calls `onChange`. A lost connection is re-opened
 * with backoff, and `onChange` is called once it is back, since changes may have been missed meanwhile.
 */
export async function watchPostgresChanges(settings: PostgresSettings, onChange: () => void): Promise<ChangeWatch> {
  let closed = false;
  let client: Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delay = 500;

  const connect = async (): Promise<void> => {
    const next = await openClient(settings);
    next.on('notification', (message) => {
      if (message.channel === CHANGES_CHANNEL) onChange();
    });
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    try {
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (err) {
      await next.end().catch(() => undefined);
      throw err;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    delay = 500;
  };

  const lost = (which: Client) => {
    if (closed || client !== which) return;
    client = undefined;
    which.end().catch(() => undefined);
    retry();
  };

  const retry = () => {
    timer = setTimeout(() => {
      connect().then(onChange, () => {
        delay = Math.min(delay * 2, MAX_RECONNECT_MS);
        if (!closed) retry();
      });
    }, delay);
    timer.unref();
  };

  await connect();
  return {
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}
