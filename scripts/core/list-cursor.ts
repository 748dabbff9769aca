import { ValidationError } from './errors.js';
import type { ListPosition } from './ports.js';

/** Where the next page of a listing starts, and how many requests came before it (for "showing 26–50"). */
export interface ListCursor {
  position: ListPosition;
  shown: number;
}

const PREFIX = 'c1.';

/**
 * Encodes a cursor as an opaque token: the last request's created_at and id (a keyset position, stable
 * under inserts), and how many were shown before. Opaque so callers pass it back as they got it.
 */
export function encodeCursor(cursor: ListCursor): string {
  const text = `${cursor.position.createdAt}.${cursor.shown}.${cursor.position.id}`;
  return `${PREFIX}${Buffer.from(text, 'utf8').toString('base64url')}`;
}

/** Reads a token made by {@link encodeCursor}; anything else is a `list.invalid_cursor` error. */
export function decodeCursor(token: string): ListCursor {
  const text = token.trim();
  const decoded = text.startsWith(PREFIX) && /^[A-Za-z0-9_-]+$/.test(text.slice(PREFIX.length)) ? Buffer.from(text.slice(PREFIX.length), 'base64url').toString('utf8') : '';
  const match = /^(\d{1,16})\.(\d{1,9})\.([A-Za-z0-9_-]{1,100})$/.exec(decoded);
  if (!match || !Number.isSafeInteger(Number(match[1]))) {
    throw new ValidationError(
      'list.invalid_cursor',
      `cursor "${text.slice(0, 40)}" is not one this listing gave. Pass the next_cursor of the previous answer exactly, or leave cursor out to start from the newest.`,
    );
  }
  return { position: { createdAt: Number(match[1]), id: match[3]! }, shown: Number(match[2]) };
}
