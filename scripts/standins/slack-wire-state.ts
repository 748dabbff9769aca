/**
 * The workspace behind the Slack stand-in: channels, users, DMs and messages, and the Web API methods the
 * package calls, answering as Slack's documentation says (`channel_not_found`, `message_not_found`,
 * `cant_update_message`, `users_not_found`, `invalid_blocks` with `response_metadata.messages`, …).
 */
import { validateBlocks } from './slack-block-limits.js';
import { SlackFiles } from './slack-files.js';

/** A user of the stand-in workspace. */
export interface WireUser {
  id: string;
  email: string;
  name: string;
}

/** One version of a message, kept each time `chat.update` replaces it. */
export interface WireMessageVersion {
  text?: string;
  blocks?: unknown[];
  at: number;
}

/** A message as the stand-in stores it: the current content plus every earlier version. */
export interface WireMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** The poster: the bot's user id, or a person's for messages seeded with {@link SlackWorkspace.seedMessage}. */
  user: string;
  /** Mentions Slack would notify for: `<!channel>`, `<!here>`, `<!everyone>`, `<@U…>`, `<!subteam^…>`. */
  mentions: string[];
  /** Earlier versions, oldest first. */
  history: WireMessageVersion[];
  /** Ids of files shared with the message (`files.completeUploadExternal`). */
  files?: string[];
}

/** A Web API answer before it is written to the wire. */
export interface WireReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

type Params = Record<string, unknown>;

/** The bot's own identity, as `auth.test` reports it. */
export const BOT = { userId: 'U0JITBOT', botId: 'B0JITBOT', teamId: 'T0STANDIN', name: 'kubiya-jit' } as const;

const MAX_TEXT = 40_000;
const MENTION = /<(!channel|!here|!everyone|!subteam\^[A-Z0-9]+|@[UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** State and method handlers of the stand-in workspace. */
export class SlackWorkspace {
  readonly messages: WireMessage[] = [];
  private readonly channels = new Map<string, { name?: string; member: boolean }>();
  private readonly users = new Map<string, WireUser>();
  private readonly dms = new Map<string, string>();
  private seq = 0;
  /** Uploaded files and the external upload flow. */
  readonly files = new SlackFiles(
    { isKnown: (id) => this.channels.has(id), isMember: (id) => this.channels.get(id)?.member === true },
    (message) => {
      const stored = { ...message, ts: this.nextTs() };
      this.messages.push(stored);
      return stored;
    },
  );

  /** Adds a channel the bot can post in (or, with `member: false`, one it was not invited to). */
  addChannel(id: string, options: { name?: string; member?: boolean } = {}): void {
    this.channels.set(id, { name: options.name?.replace(/^#/, ''), member: options.member ?? true });
  }

  /** Adds a workspace member. */
  addUser(user: WireUser): void {
    this.users.set(user.id, user);
  }

  /** Stores a message posted by a person (not the bot), so `chat.update` on it answers `cant_update_message`. */
  seedMessage(channel: string, text: string, user: string): WireMessage {
    const message: WireMessage = { channel, ts: this.nextTs(), text, user, mentions: [], history: [] };
    this.messages.push(message);
    return message;
  }

  /** Runs one Web API method. Unknown methods answer `unknown_method`. `json`: the arguments came as a JSON body. */
  handle(method: string, params: Params, apiUrl: string, json = false): WireReply {
    if (this.files.handles(method)) return this.files.handle(method, params, apiUrl.replace(/api\/$/, ''), json);
    switch (method) {
      case 'auth.test':
        return ok({ url: apiUrl.replace(/api\/$/, ''), team: 'Stand-in', user: BOT.name, team_id: BOT.teamId, user_id: BOT.userId, bot_id: BOT.botId });
      case 'chat.postMessage':
        return this.postMessage(params);
      case 'chat.update':
        return this.update(params);
      case 'users.lookupByEmail':
        return this.lookupByEmail(params);
      case 'conversations.open':
        return this.openConversation(params);
      default:
        return fail('unknown_method');
    }
  }

  private postMessage(params: Params): WireReply {
    const channel = this.resolvePostChannel(str(params.channel));
    if (!channel) return fail('channel_not_found');
    if (!this.channels.get(channel)?.member) return fail('not_in_channel');
    const content = readContent(params);
    if ('error' in content) return content.error;
    if (content.text === undefined && content.blocks === undefined) return fail('no_text');
    const threadTs = str(params.thread_ts);
    const message: WireMessage = {
      channel,
      ts: this.nextTs(),
      ...content,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      user: BOT.userId,
      mentions: mentionsOf(content, params),
      history: [],
    };
    this.messages.push(message);
    return ok({ channel, ts: message.ts, message: wireView(message) });
  }

  private update(params: Params): WireReply {
    // chat.update takes only a conversation id: a user id or a #name is not a channel here, as in Slack.
    const channel = str(params.channel);
    if (!channel || !this.channels.has(channel)) return fail('channel_not_found');
    const message = this.messages.find((m) => m.channel === channel && m.ts === str(params.ts));
    if (!message) return fail('message_not_found');
    if (message.user !== BOT.userId) return fail('cant_update_message');
    const content = readContent(params);
    if ('error' in content) return content.error;
    if (content.text === undefined && content.blocks === undefined) return fail('no_text');
    message.history.push({ text: message.text, blocks: message.blocks, at: Date.now() });
    if (content.text !== undefined) message.text = content.text;
    // Without `blocks` Slack keeps the old ones (buttons included).
    if (content.blocks !== undefined) message.blocks = content.blocks;
    message.mentions = mentionsOf(message, params);
    return ok({ channel, ts: message.ts, text: message.text ?? '', message: wireView(message) });
  }

  private lookupByEmail(params: Params): WireReply {
    const email = str(params.email)?.toLowerCase();
    if (!email) return fail('invalid_arguments');
    const user = [...this.users.values()].find((u) => u.email.toLowerCase() === email);
    if (!user) return fail('users_not_found');
    return ok({
      user: {
        id: user.id,
        team_id: BOT.teamId,
        name: user.name,
        real_name: user.name,
        deleted: false,
        is_bot: false,
        profile: { email: user.email, real_name: user.name, display_name: user.name },
      },
    });
  }

  private openConversation(params: Params): WireReply {
    const users = (str(params.users) ?? '').split(',').map((u) => u.trim()).filter(Boolean);
    if (users.length === 0) return fail('users_list_not_supplied');
    if (users.length > 1) return fail('not_implemented_in_stand_in');
    const userId = users[0]!;
    if (!this.users.has(userId)) return fail('user_not_found');
    const already = this.dms.has(userId);
    const id = this.dmFor(userId);
    return ok({ ...(already ? { no_op: true, already_open: true } : {}), channel: { id } });
  }

  private resolvePostChannel(value: string | undefined): string | undefined {
    if (!value) return undefined;
    if (this.channels.has(value)) return value;
    // chat.postMessage, unlike chat.update, accepts a #name and a user id (posting to the app's DM).
    if (this.users.has(value)) return this.dmFor(value);
    const name = value.replace(/^#/, '');
    for (const [id, channel] of this.channels) if (channel.name === name) return id;
    return undefined;
  }

  private dmFor(userId: string): string {
    let id = this.dms.get(userId);
    if (!id) {
      id = `D${userId.replace(/^[UW]/, '')}`;
      this.dms.set(userId, id);
      this.channels.set(id, { member: true });
    }
    return id;
  }

  private nextTs(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }
}

function readContent(params: Params): { text?: string; blocks?: unknown[] } | { error: WireReply } {
  const text = str(params.text);
  if (text !== undefined && text.length > MAX_TEXT) return { error: fail('msg_too_long') };
  let blocks: unknown = params.blocks;
  if (typeof blocks === 'string') {
    try {
      blocks = JSON.parse(blocks);
    } catch {
      return { error: fail('invalid_blocks_format') };
    }
  }
  if (blocks === undefined) return { ...(text !== undefined ? { text } : {}) };
  if (!Array.isArray(blocks)) return { error: fail('invalid_blocks_format') };
  const problems = validateBlocks(blocks);
  if (problems.length > 0) {
    return {
      error: {
        status: 200,
        body: { ok: false, error: 'invalid_blocks', errors: problems, response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } },
      },
    };
  }
  return { ...(text !== undefined ? { text } : {}), blocks };
}

/** Mentions Slack would resolve: in mrkdwn texts (and, with link_names, bare @channel / @here). */
function mentionsOf(content: { text?: string; blocks?: unknown[] }, params: Params): string[] {
  const texts: string[] = [];
  if (content.text !== undefined && params.mrkdwn !== false && params.mrkdwn !== 'false') texts.push(content.text);
  collectMrkdwn(content.blocks, texts);
  const found = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(MENTION)) found.add(`<${match[1]}>`);
    if (params.link_names === true || params.link_names === 'true' || params.link_names === '1') {
      for (const match of text.matchAll(/(?<![\w<])@(channel|here|everyone)\b/g)) found.add(`<!${match[1]}>`);
    }
  }
  return [...found];
}

function collectMrkdwn(node: unknown, into: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectMrkdwn(item, into);
  } else if (typeof node === 'object' && node !== null) {
    const obj = node as Params;
    if (obj.type === 'mrkdwn' && typeof obj.text === 'string') into.push(obj.text);
    for (const value of Object.values(obj)) if (typeof value === 'object') collectMrkdwn(value, into);
  }
}

function wireView(message: WireMessage): Record<string, unknown> {
  return {
    type: 'message',
    user: message.user,
    bot_id: BOT.botId,
    ts: message.ts,
    text: message.text ?? '',
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
  };
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function ok(body: Record<string, unknown>): WireReply {
  return { status: 200, body: { ok: true, ...body } };
}

/** Slack's error shape: HTTP 200 with `{"ok": false, "error": "..."}`. */
export function fail(error: string): WireReply {
  return { status: 200, body: { ok: false, error } };
}
