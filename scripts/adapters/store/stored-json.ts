import type { Json } from '../../core/types.js';

/**
 * An audit event's stored data, which every store keeps as the JSON text it wrote. The stores only ever write
 * a JSON object, so anything else can only come from an edit of the database: it is returned wrapped as
 * `{ unreadable: <the text> }`, so the event's hash no longer matches and `audit verify` names the event,
 * rather than the whole read failing.
 */
export function parseData(text: string): Record<string, Json> {
  try {
    const data = JSON.parse(text) as Json;
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) return data;
  } catch {
    // Fall through: not JSON at all.
  }
  return { unreadable: text };
}
