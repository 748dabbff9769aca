/**
 * The one way text a person wrote (a justification, a reason, parameter values, an email they typed, a name
 * echoed in an error) appears in the package's own output. Tool output is read by the approvers' LLM
 * teammate, so such text must never pose as the package's lines or as instructions: it is kept on one line
 * (line breaks, control, bidi and invisible characters escaped as `\n`, `\u202E`, …), cut to a bound, and
 * shown quoted and, where it is free text, labelled as the requester's words.
 */

/**
 * Characters that can end a line, reorder or hide text: C0 and C1 controls, DEL, the Arabic letter mark,
 * zero-width and directional marks, line and paragraph separators, bidi embeddings, overrides and isolates,
 * invisible operators, the byte order mark and interlinear annotation marks.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are what gets escaped.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Escapes every character of {@link UNSAFE} as `\n`, `\r`, `\t` or `\uXXXX`; everything else is kept. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Cuts one-line text to `max` characters, saying how much was left out (never splitting a surrogate pair). */
function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}… [${text.length - cut.length} more characters]`;
}

/**
 * Text a person wrote, as one double-quoted line: backslashes and quotes escaped (so the quote cannot be
 * closed from inside), unsafe characters escaped, at most `max` characters of it.
 */
export function quoted(text: string, max = 300): string {
  return `"${bound(escapeUnsafe(text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')), max)}"`;
}

/** A JSON value a person supplied (tool parameters), as one line of JSON with unsafe characters escaped. */
export function quotedJson(value: unknown, max = 500): string {
  return bound(escapeUnsafe(JSON.stringify(value) ?? 'null'), max);
}

/** A labelled line of someone's free text: `Why (requester's words, quoted): "…"`. */
export function theirWords(label: string, text: string, whose = "requester's", max = 1000): string {
  return `${label} (${whose} words, quoted): ${quoted(text, max)}`;
}
