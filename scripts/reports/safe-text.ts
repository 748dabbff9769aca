/**
 * Text from the store on one line, whatever it holds. People's emails, tool parameters and other values
 * someone typed reach analytics output; a line break, a Unicode line separator or a bidirectional override in
 * them could make a value pose as one of the package's own lines. Every such character is shown as an escape.
 */

// Controls (Cc), format characters such as bidi overrides and zero-width joiners (Cf), line and paragraph separators.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** `text` with every control, format and line-separator character written as `\uXXXX`, cut to `max` characters. */
export function oneLine(text: string, max = 300): string {
  const safe = text.replace(UNSAFE, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

/** Escapes text for HTML element content and attribute values, after {@link oneLine}. */
export function html(text: string, max = 300): string {
  return oneLine(text, max).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
