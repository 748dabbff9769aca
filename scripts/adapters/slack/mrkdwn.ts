/**
 * Safe text for Slack messages. Everything a person typed (justification, parameters, reasons) passes
 * through here before it reaches a message, so it cannot mention `@channel`, forge a link, close a code
 * block or push a block over Slack's length limits.
 */

/** The limits the renderers fit text into (Slack's Block Kit reference; KUBIYA.md §6). */
export const LIMITS = {
  sectionText: 3000,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  contextText: 3000,
  fallbackText: 3000,
} as const;

const ELLIPSIS = '…';

/**
 * Escapes text for a mrkdwn field: `&`, `<` and `>` become entities (so `<!channel>` and `<@U123>` stay
 * literal text, as Slack's formatting guide asks) and runs of backticks are broken up so that no value can
 * open or close a ``` code block.
 */
export function escapeMrkdwn(text: string): string {
  return breakFences(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** Escapes `text` for mrkdwn and cuts it to `max` characters, marking the cut with an ellipsis. */
export function mrkdwn(text: string, max: number = LIMITS.sectionText): string {
  return truncate(escapeMrkdwn(text), max);
}

/** Renders a value as inline code; backticks inside it become apostrophes so the span cannot be closed early. */
export function inlineCode(text: string, max = 200): string {
  return `\`${truncate(escapeMrkdwn(text.replace(/`/g, "'").replace(/\n/g, ' ')), max - 2)}\``;
}

/** Renders `content` as a ``` code block of at most `max` characters, cutting the content, never the fences. */
export function codeBlock(content: string, max: number = LIMITS.sectionText): string {
  const open = '```\n';
  const close = '\n```';
  return `${open}${truncate(escapeMrkdwn(content), max - open.length - close.length)}${close}`;
}

/** Cuts text for a plain_text object (no markup to escape: Slack shows it as is). */
export function plain(text: string, max: number): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

/**
 * Cuts already-escaped text to at most `max` UTF-16 units, ending with an ellipsis when cut, without
 * splitting an entity such as `&amp;` or a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ELLIPSIS.length));
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}${ELLIPSIS}`;
}

/**
 * Joins already-rendered items with `separator` within `max` characters, keeping whole items and ending
 * with "… and N more" when some do not fit.
 */
export function joinLines(items: string[], max: number, separator = '\n'): string {
  const kept: string[] = [];
  let length = 0;
  for (const [index, item] of items.entries()) {
    const more = `… and ${items.length - index} more`;
    const next = length + (kept.length > 0 ? separator.length : 0) + item.length;
    const reserve = index < items.length - 1 ? more.length + separator.length : 0;
    if (next + reserve > max) {
      if (kept.length > 0) kept.push(more);
      else if (reserve === 0) kept.push(truncate(item, max));
      // The first item is shown (cut short), so only the ones after it are "more".
      else kept.push(truncate(item, max - reserve), `… and ${items.length - index - 1} more`);
      return kept.join(separator);
    }
    kept.push(item);
    length = next;
  }
  return kept.join(separator);
}

/** Formats epoch milliseconds as ISO 8601 UTC without milliseconds: `2026-01-01T10:00:00Z`. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Inserts a zero-width space between adjacent backticks, so ``` never appears in a value. */
function breakFences(text: string): string {
  return text.replace(/`(?=`)/g, '`\u200b');
}
