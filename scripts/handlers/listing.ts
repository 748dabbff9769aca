import type { RequestPage } from '../core/use-cases/queries.js';
import { requestJson, requestLine } from './format.js';
import type { CommandResult } from './handler.js';

/**
 * A page of requests as the listing tools print it. It always says how many matched in all and, when there
 * are more, the cursor that shows the next page, so a long list is never cut without a word.
 */
export function listing(title: string, page: RequestPage, empty: string): CommandResult {
  const { requests, total, offset, nextCursor } = page;
  const range = requests.length === 0 ? '0' : `${offset + 1}–${offset + requests.length}`;
  const counted = total === requests.length && offset === 0 ? `${total}` : `showing ${range} of ${total}`;
  const more = nextCursor ? `\nShowing ${range} of ${total}; more: --cursor ${nextCursor} (pass cursor=${nextCursor} for the next page).` : '';
  const human =
    requests.length === 0
      ? total > 0
        ? `No more requests: all ${total} were shown on earlier pages.`
        : empty
      : `${title} (${counted}, newest first):\n${requests.map(requestLine).join('\n')}${more}`;
  return {
    human,
    json: { requests: requests.map(requestJson), total, shown: requests.length, offset, next_cursor: nextCursor ?? null },
  };
}
