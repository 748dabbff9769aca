import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { databasePath } from '../../app/runtime-paths.js';

/** Something that hears about store changes. */
export type ChangeListener = () => void;

/** Tells subscribers, shortly after, that some process wrote the store; a burst of writes is one call. */
export interface ChangeFeed {
  subscribe(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

interface WatchableStore {
  watchChanges?(onChange: () => void): Promise<{ close(): Promise<void> }>;
}

/** A burst of writes (a request and its events, a grant) within this long wakes the pages once. */
const DEBOUNCE_MS = 100;

/**
 * Store changes for the console's live pages, from the same mechanism that wakes the worker: the store's own
 * change watch where it has one, else (SQLite) the `-wal` file that every commit by any process touches.
 * Changes made through this process are announced too, so a page updates even where the folder cannot be watched.
 */
export async function watchStore(ctx: AppContext): Promise<ChangeFeed & { announce(): void }> {
  const listeners = new Set<ChangeListener>();
  let timer: NodeJS.Timeout | undefined;
  const announce = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      for (const listener of [...listeners]) {
        try {
          listener();
        } catch (err) {
          ctx.log.warn('a live page listener failed', { error: String(err) });
        }
      }
    }, DEBOUNCE_MS);
  };
  // The opened store itself: ctx.store() is a lazy stand-in that answers every property with a method.
  const store = (await ctx.openStore()) as unknown as WatchableStore;
  let close: () => Promise<void>;
  if (store.watchChanges) {
    const handle = await store.watchChanges(announce);
    close = () => handle.close();
  } else {
    close = watchWal(databasePath(ctx.env), announce);
  }
  return {
    announce,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (timer) clearTimeout(timer);
      listeners.clear();
      await close();
    },
  };
}

function watchWal(database: string, onChange: () => void): () => Promise<void> {
  try {
    const wal = `${basename(database)}-wal`;
    const watcher = watch(dirname(database), { persistent: false }, (_event, file) => {
      if (file && String(file) === wal) onChange();
    });
    return async () => watcher.close();
  } catch {
    return async () => undefined;
  }
}
