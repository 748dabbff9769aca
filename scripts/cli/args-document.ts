/**
 * The args document: how a Kubiya tool's content hands its arg values to `kubiya-jit` without the shell ever
 * reading them as code. The content (tools/content.ts) writes each value under a marker line inside a quoted
 * heredoc on the CLI's stdin:
 *
 * ```
 * ::kubiya-jit-arg::request_id
 * req-123
 * ::kubiya-jit-arg::ttl
 * 1h
 * ```
 *
 * This module parses that text strictly: each expected marker exactly once and in order, so a value that
 * carries a marker line of its own (an attempt to smuggle or override another arg) is refused, not guessed at.
 */
import type { Readable } from 'node:stream';
import { ValidationError } from '../core/errors.js';
import { quoted } from '../core/quote.js';

/** The prefix of a marker line; the arg's name follows it on the same line. */
export const ARG_MARKER = '::kubiya-jit-arg::';

/** What Go's text/template renders for a key missing from the data: an optional arg the LLM left out. */
export const GO_NO_VALUE = '<no value>';

/** Largest args document the CLI reads; a tool's args are a few lines, so more is a mistake or an attack. */
export const MAX_ARGS_DOCUMENT_BYTES = 1024 * 1024;

/**
 * Parses an args document into one value per expected arg, in `expected`'s order.
 * A value is everything between its marker line and the next marker line, less exactly one trailing newline
 * (the one the heredoc adds), so values round-trip byte for byte. `<no value>` means the arg was not given.
 * Throws a {@link ValidationError} naming the arg when a marker is missing, out of order, repeated or unknown.
 */
export function parseArgsDocument(text: string, expected: readonly string[]): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  const lines = text.split('\n');
  let next = 0;
  let current: string | undefined;
  let buffer: string[] = [];
  const flush = (): void => {
    if (current === undefined) return;
    const value = buffer.join('\n');
    values[current] = value === GO_NO_VALUE ? undefined : value;
  };
  lines.forEach((line, index) => {
    if (!line.startsWith(ARG_MARKER)) {
      if (current === undefined && (line !== '' || index < lines.length - 1)) {
        throw malformed('text before the first arg marker');
      }
      buffer.push(line);
      return;
    }
    const name = line.slice(ARG_MARKER.length);
    if (name !== expected[next]) throw unexpectedMarker(name, expected, next);
    flush();
    current = name;
    buffer = [];
    next += 1;
  });
  // split() already consumed the newline before each marker; the last value still ends with the heredoc's
  // own newline, which split() turned into one trailing empty line.
  if (buffer.length > 1 && buffer[buffer.length - 1] === '') buffer.pop();
  flush();
  if (next < expected.length) {
    const missing = expected[next]!;
    throw new ValidationError(
      'args_document.missing_arg',
      `The tool's input has no value for "${missing}": the input was cut short or altered. Run the tool again with every argument.`,
      { arg: missing },
    );
  }
  for (const name of expected) if (!(name in values)) values[name] = undefined;
  return values;
}

/**
 * Renders values as an args document that {@link parseArgsDocument} reads back unchanged; `undefined`
 * renders as Go's `<no value>`, as Kubiya would render a missing optional arg. For tests, the demo and
 * local runs.
 */
export function formatArgsDocument(values: Record<string, string | undefined>, order: readonly string[]): string {
  return order.map((name) => `${ARG_MARKER}${name}\n${values[name] ?? GO_NO_VALUE}\n`).join('');
}

/**
 * Reads the whole args document from a stream (the CLI passes `process.stdin` when `--args-document` is
 * given). Throws a {@link ValidationError} past {@link MAX_ARGS_DOCUMENT_BYTES}.
 */
export async function readArgsDocument(stream: Readable, maxBytes = MAX_ARGS_DOCUMENT_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    size += buf.length;
    if (size > maxBytes) {
      throw new ValidationError(
        'args_document.too_large',
        `The tool's input is larger than ${maxBytes} bytes. Shorten the argument values and run the tool again.`,
        { maxBytes },
      );
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function unexpectedMarker(name: string, expected: readonly string[], next: number): ValidationError {
  if (expected.includes(name)) {
    const position = expected.indexOf(name);
    const kind = position < next ? 'appears twice' : 'appears out of order';
    return new ValidationError(
      'args_document.smuggled_arg',
      `The marker for "${name}" ${kind} in the tool's input: a value may not contain a line starting with "${ARG_MARKER}". Remove that line from the value and run the tool again.`,
      { arg: name },
    );
  }
  return new ValidationError(
    'args_document.unknown_arg',
    `The tool's input names an argument ${quoted(name, 64)} this tool does not have: a value may not contain a line starting with "${ARG_MARKER}".`,
    { arg: truncate(name) },
  );
}

function malformed(what: string): ValidationError {
  return new ValidationError('args_document.malformed', `The tool's input is not an args document (${what}). Run it through the tool's content or use --<arg> flags.`);
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
