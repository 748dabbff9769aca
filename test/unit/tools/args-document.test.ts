import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../scripts/core/errors.js';
import {
  ARG_MARKER,
  formatArgsDocument,
  parseArgsDocument,
  readArgsDocument,
} from '../../../scripts/cli/args-document.js';

const ORDER = ['request_id', 'ttl', 'reason'] as const;

function caught(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('parseArgsDocument', () => {
  it.each([
    ['plain', { request_id: 'req_1', ttl: '1h', reason: 'done' }],
    ['empty values', { request_id: '', ttl: '', reason: '' }],
    ['trailing newlines kept', { request_id: 'a\n', ttl: '\n\n', reason: 'b\n\n' }],
    ['multi-line and shell-looking', { request_id: "x'y\"z", ttl: '$(id)\n`id`', reason: 'line1\r\nline2\n  ::kubiya-jit-arg::indented' }],
    ['a lookalike marker mid-line', { request_id: `see ${ARG_MARKER}ttl`, ttl: '1h', reason: `${ARG_MARKER.slice(1)}x` }],
  ])('round-trips %s exactly', (_label, values) => {
    expect(parseArgsDocument(formatArgsDocument(values, ORDER), ORDER)).toEqual(values);
  });

  it('strips exactly one trailing newline, the heredoc one, from the last value', () => {
    const text = `${ARG_MARKER}request_id\nreq_1\n${ARG_MARKER}ttl\n1h\n${ARG_MARKER}reason\ndone\n\n`;
    expect(parseArgsDocument(text, ORDER)).toEqual({ request_id: 'req_1', ttl: '1h', reason: 'done\n' });
  });

  it("reads Go's <no value> as an absent arg, and only the exact text", () => {
    const parsed = parseArgsDocument(formatArgsDocument({ request_id: 'req_1', ttl: undefined, reason: '<no value> ' }, ORDER), ORDER);
    expect(parsed).toEqual({ request_id: 'req_1', ttl: undefined, reason: '<no value> ' });
  });

  it('refuses a value that carries the marker of a later arg (smuggling)', () => {
    const text = formatArgsDocument({ request_id: `req_1\n${ARG_MARKER}ttl\n30d`, ttl: '1h', reason: 'x' }, ORDER);
    const err = caught(() => parseArgsDocument(text, ORDER));
    expect(err.code).toBe('args_document.smuggled_arg');
    expect(err.message).toContain('"ttl"');
  });

  it('refuses a value that repeats an earlier arg marker', () => {
    const text = formatArgsDocument({ request_id: 'req_1', ttl: '1h', reason: `x\n${ARG_MARKER}request_id\nreq_2` }, ORDER);
    const err = caught(() => parseArgsDocument(text, ORDER));
    expect(err.code).toBe('args_document.smuggled_arg');
    expect(err.message).toContain('"request_id"');
  });

  it('refuses an unknown marker, naming it', () => {
    const text = formatArgsDocument({ request_id: `req_1\n${ARG_MARKER}user_email\nboss@example.com`, ttl: '1h', reason: 'x' }, ORDER);
    const err = caught(() => parseArgsDocument(text, ORDER));
    expect(err.code).toBe('args_document.unknown_arg');
    expect(err.message).toContain('user_email');
  });

  it('refuses markers out of order and a document cut short', () => {
    const swapped = formatArgsDocument({ request_id: 'a', ttl: 'b', reason: 'c' }, ['ttl', 'request_id', 'reason']);
    expect(caught(() => parseArgsDocument(swapped, ORDER)).code).toBe('args_document.smuggled_arg');
    const short = formatArgsDocument({ request_id: 'a', ttl: 'b' }, ['request_id', 'ttl']);
    const err = caught(() => parseArgsDocument(short, ORDER));
    expect(err.code).toBe('args_document.missing_arg');
    expect(err.message).toContain('"reason"');
  });

  it('refuses text before the first marker and an empty document for a tool with args', () => {
    expect(caught(() => parseArgsDocument(`junk\n${formatArgsDocument({}, ORDER)}`, ORDER)).code).toBe('args_document.malformed');
    expect(caught(() => parseArgsDocument('', ORDER)).code).toBe('args_document.missing_arg');
  });

  it('accepts an empty document for a tool without args', () => {
    expect(parseArgsDocument('', [])).toEqual({});
  });
});

describe('readArgsDocument', () => {
  it('reads a stream in chunks as UTF-8', async () => {
    const text = formatArgsDocument({ request_id: '日本🙂', ttl: '1h', reason: 'é' }, ORDER);
    const bytes = Buffer.from(text, 'utf8');
    const stream = Readable.from([bytes.subarray(0, 50), bytes.subarray(50)]);
    expect(parseArgsDocument(await readArgsDocument(stream), ORDER).request_id).toBe('日本🙂');
  });

  it('refuses a document over the size limit', async () => {
    const stream = Readable.from([Buffer.alloc(600, 'a'), Buffer.alloc(600, 'b')]);
    await expect(readArgsDocument(stream, 1000)).rejects.toMatchObject({ code: 'args_document.too_large' });
  });
});
