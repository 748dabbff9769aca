import { UpstreamError } from '../../core/errors.js';
import { canonicalJson } from '../../core/canonical-json.js';
import type { Sleep } from './assignment-poller.js';

/** How hard to check a write that replaced a whole document. */
export interface VerifySettings {
  /** Reads after each write before writing again (IAM is eventually consistent). */
  reads: number;
  /** Delay before the first read back; doubled for each further one. */
  delayMs: number;
  /** Writes in all before giving up. */
  writes: number;
}

/** One whole-document write and how to check it. */
export interface DocumentWrite<D> {
  /** Says what is being written, for errors: "the trust policy of role prod-deploy". */
  what: string;
  /** Reads the document as AWS has it now (undefined: it does not exist). */
  read: () => Promise<D | undefined>;
  /** The document to write given the current one; undefined means the current one is already right. */
  next: (current: D | undefined) => D | undefined;
  /** Writes a document. */
  write: (document: D) => Promise<void>;
  /** Whether a document read back has the change (a statement present, or gone). */
  done: (document: D | undefined) => boolean;
}

/**
 * Replaces a whole document and reads it back until AWS shows it: the written document itself, or one that
 * still has the change (another writer's later edit kept it). A read that still shows the old document is
 * retried with doubling delays; after `reads` of them the change is computed again from what AWS now holds
 * and written again, at most `writes` times, then it is an {@link UpstreamError}. The caller holds the
 * target's lock, so the package's own writers cannot be what undoes the change.
 */
export async function writeVerified<D>(w: DocumentWrite<D>, settings: VerifySettings, sleep: Sleep): Promise<void> {
  for (let attempt = 1; attempt <= settings.writes; attempt += 1) {
    const current = await w.read();
    const next = w.next(current);
    if (next === undefined) {
      if (w.done(current)) return;
      throw new UpstreamError('aws.write_not_verified', `Could not work out how to change ${w.what}.`);
    }
    await w.write(next);
    const written = canonicalJson(next);
    let delay = settings.delayMs;
    for (let read = 0; read < settings.reads; read += 1) {
      await sleep(delay);
      delay *= 2;
      const seen = await w.read();
      if ((seen !== undefined && canonicalJson(seen) === written) || w.done(seen)) return;
    }
  }
  throw new UpstreamError(
    'aws.write_not_verified',
    `AWS did not show the change to ${w.what} after ${settings.writes} writes; something else may be changing it. kubiya-jit will retry.`,
  );
}
