/**
 * The Slack stand-in's file uploads, as Slack documents its external upload flow (the one behind the SDK's
 * `files.uploadV2`): `files.getUploadURLExternal` reserves a file id and an upload URL; the client POSTs the
 * bytes there (raw, or multipart form-encoded), answered with HTTP 200; `files.completeUploadExternal` shares
 * the uploaded files in a channel, once. Arguments and error codes follow the methods' reference pages. A
 * stand-in for tests and the demo: no file leaves this process.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateBlocks } from './slack-block-limits.js';
import { BOT, fail, type WireMessage, type WireReply } from './slack-wire-state.js';

/** One file as the stand-in holds it. */
export interface WireFile {
  id: string;
  filename: string;
  /** The length `files.getUploadURLExternal` was told. */
  length: number;
  altText?: string;
  /** The bytes POSTed to the upload URL, once they arrive. */
  bytes?: Buffer;
  /** How the bytes came: the request's content type. */
  uploadedAs?: string;
  title?: string;
  /** Set once `files.completeUploadExternal` shared it. */
  channel?: string;
  completed: boolean;
}

type Params = Record<string, unknown>;

const MAX_ALT_TEXT = 1000;

/** File state and the upload methods of the stand-in. */
export class SlackFiles {
  readonly files: WireFile[] = [];
  private readonly tickets = new Map<string, WireFile>();
  private seq = 0;

  constructor(
    private readonly channels: { isKnown(id: string): boolean; isMember(id: string): boolean },
    private readonly post: (message: Omit<WireMessage, 'ts'>) => WireMessage,
  ) {}

  /** Whether `method` is one of the file methods this class answers. */
  handles(method: string): boolean {
    return method === 'files.getUploadURLExternal' || method === 'files.completeUploadExternal';
  }

  /** Runs a file method; `json` tells whether the arguments came as a JSON body. */
  handle(method: string, params: Params, uploadBase: string, json: boolean): WireReply {
    return method === 'files.getUploadURLExternal' ? this.reserve(params, uploadBase, json) : this.complete(params);
  }

  private reserve(params: Params, uploadBase: string, json: boolean): WireReply {
    // Seen against Slack itself: this method takes form-encoded arguments only; a JSON body reads as missing ones.
    if (json) return fail('invalid_arguments');
    const filename = str(params.filename);
    const lengthText = str(params.length);
    if (!filename || lengthText === undefined || !/^\d+$/.test(lengthText)) return fail('invalid_arguments');
    const length = Number(lengthText);
    if (length === 0) return fail('missing_argument');
    const altText = str(params.alt_txt) ?? str(params.alt_text);
    if (altText !== undefined && altText.length > MAX_ALT_TEXT) return fail('alt_txt_too_large');
    this.seq += 1;
    const file: WireFile = { id: `F0STANDIN${String(this.seq).padStart(4, '0')}`, filename, length, completed: false, ...(altText !== undefined ? { altText } : {}) };
    const ticket = `${file.id.toLowerCase()}-${Math.random().toString(36).slice(2, 12)}`;
    this.files.push(file);
    this.tickets.set(ticket, file);
    return { status: 200, body: { ok: true, upload_url: `${uploadBase}upload/v1/${ticket}`, file_id: file.id } };
  }

  /** Receives the bytes POSTed to an upload URL: HTTP 200 when stored, 404 for a ticket never issued. */
  async receive(ticket: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = this.tickets.get(ticket);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (!file || req.method !== 'POST' || file.completed) {
      res.writeHead(file && req.method !== 'POST' ? 405 : 404, { 'Content-Type': 'text/plain' });
      res.end('Not found');
      return;
    }
    const type = req.headers['content-type'] ?? 'application/octet-stream';
    const raw = Buffer.concat(chunks);
    const bytes = type.toLowerCase().startsWith('multipart/form-data') ? firstFilePart(raw, type) : raw;
    if (!bytes) {
      res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end('Bad multipart body');
      return;
    }
    file.bytes = bytes;
    file.uploadedAs = type.split(';')[0]!.trim();
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`OK - ${bytes.length}`);
  }

  private complete(params: Params): WireReply {
    let list: unknown = params.files;
    if (typeof list === 'string') {
      try {
        list = JSON.parse(list);
      } catch {
        return fail('invalid_arguments');
      }
    }
    if (!Array.isArray(list) || list.length === 0) return fail('invalid_arguments');
    const entries = list as { id?: unknown; title?: unknown }[];
    const files = entries.map((entry) => this.files.find((f) => f.id === entry.id));
    // Completing is once only, and only for files whose bytes arrived.
    if (files.some((f) => !f || !f.bytes || f.completed)) return fail('file_not_found');
    const channel = str(params.channel_id);
    const comment = str(params.initial_comment);
    let blocks: unknown[] | undefined;
    if (channel !== undefined) {
      if (!this.channels.isKnown(channel)) return fail('channel_not_found');
      if (!this.channels.isMember(channel)) return fail('not_in_channel');
    }
    if (comment === undefined && params.blocks !== undefined) {
      const parsed = typeof params.blocks === 'string' ? safeJson(params.blocks) : params.blocks;
      if (!Array.isArray(parsed) || validateBlocks(parsed).length > 0) return fail('invalid_blocks');
      blocks = parsed;
    }
    entries.forEach((entry, i) => {
      const file = files[i]!;
      file.completed = true;
      file.title = str(entry.title) ?? file.filename;
      if (channel) file.channel = channel;
    });
    if (channel) {
      const threadTs = str(params.thread_ts);
      this.post({
        channel,
        text: comment ?? '',
        ...(blocks ? { blocks } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        user: BOT.userId,
        mentions: [],
        history: [],
        files: files.map((f) => f!.id),
      });
    }
    return { status: 200, body: { ok: true, files: files.map((f) => ({ id: f!.id, title: f!.title })) } };
  }
}

/** The content of the first part of a multipart body that carries a file (has a filename), or undefined. */
function firstFilePart(body: Buffer, contentType: string): Buffer | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const mark = boundary ? `--${boundary[1] ?? boundary[2]!.trim()}` : undefined;
  if (!mark) return undefined;
  let at = body.indexOf(mark);
  while (at !== -1) {
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd === -1) return undefined;
    const headers = body.subarray(at + mark.length, headerEnd).toString('utf8');
    const next = body.indexOf(`\r\n${mark}`, headerEnd + 4);
    if (next === -1) return undefined;
    if (/filename=/i.test(headers)) return body.subarray(headerEnd + 4, next);
    at = next + 2;
  }
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
