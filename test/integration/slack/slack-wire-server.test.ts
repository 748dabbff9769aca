/**
 * The Slack stand-in itself, driven by the real WebClient and by raw HTTP: it must refuse what Slack
 * refuses (Block Kit limits, bad auth, chat.update on a user id) in Slack's shapes, or the notifier tests
 * that rely on it would prove nothing.
 */
import { ErrorCode, LogLevel, WebClient, type Logger as SdkLogger, type WebAPIPlatformError } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackWireServer, type SlackWireServer } from '../../../scripts/standins/slack-wire-server.js';

let server: SlackWireServer;
let client: WebClient;

/** Keeps the SDK's console quiet: every refusal here is on purpose. */
const quiet: SdkLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};
const sdk = (token?: string) => new WebClient(token, { slackApiUrl: server.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quiet });

beforeAll(async () => {
  server = await startSlackWireServer({ token: 'xoxb-test-token', channels: ['C0APPROVERS'], users: [{ id: 'U0DEV', email: 'dev@example.com', name: 'dev' }] });
  server.addChannel('C0NAMED', { name: 'jit-approvals' });
  client = sdk(server.token);
});

afterAll(async () => {
  await server.close();
});

/** Calls through the real WebClient and returns Slack's `ok: false` body. */
async function refusal(method: string, params: Record<string, unknown>, using: WebClient = client): Promise<Record<string, unknown>> {
  const err = (await using.apiCall(method, params).then(
    () => undefined,
    (e: unknown) => e,
  )) as WebAPIPlatformError | undefined;
  expect(err?.code, `${method} should have been refused`).toBe(ErrorCode.PlatformError);
  return err!.data as unknown as Record<string, unknown>;
}

const text = (t: string, type = 'mrkdwn') => ({ type, text: t });
const button = (actionId: string, value = 'v', label = 'Go') => ({ type: 'button', text: text(label, 'plain_text'), action_id: actionId, value });

describe('Block Kit limits', () => {
  const cases: [string, unknown[], string][] = [
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), 'no more than 50 items allowed [json-pointer:/blocks]'],
    ['section text of 3001', [{ type: 'section', text: text('a'.repeat(3001)) }], 'must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
    ['header text of 151', [{ type: 'header', text: text('h'.repeat(151), 'plain_text') }], 'must be less than 151 characters [json-pointer:/blocks/0/text/text]'],
    ['mrkdwn header', [{ type: 'header', text: text('hi') }], 'must be a valid enum value [json-pointer:/blocks/0/text/type]'],
    ['button text of 76', [{ type: 'actions', elements: [button('a', 'v', 'b'.repeat(76))] }], 'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]'],
    ['button value of 2001', [{ type: 'actions', elements: [button('a', 'v'.repeat(2001))] }], 'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]'],
    ['action_id of 256', [{ type: 'actions', elements: [button('a'.repeat(256))] }], 'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]'],
    ['duplicate action_id', [{ type: 'actions', elements: [button('x')] }, { type: 'actions', elements: [button('x')] }], 'duplicate action_id [json-pointer:/blocks/1/elements/0/action_id]'],
    ['11 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => text('f')) }], 'no more than 10 items allowed [json-pointer:/blocks/0/fields]'],
    ['field of 2001', [{ type: 'section', fields: [text('f'.repeat(2001))] }], 'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]'],
    ['empty section', [{ type: 'section' }], 'must provide either text or fields [json-pointer:/blocks/0]'],
    ['unknown block type', [{ type: 'marquee' }], 'must be a valid enum value [json-pointer:/blocks/0/type]'],
  ];

  it.each(cases)('refuses %s with invalid_blocks, like Slack', async (_name, blocks, message) => {
    const body = await refusal('chat.postMessage', { channel: 'C0APPROVERS', text: 'fallback', blocks });
    expect(body.error).toBe('invalid_blocks');
    expect((body.response_metadata as { messages: string[] }).messages).toContain(`[ERROR] ${message}`);
    expect(server.messages.some((m) => m.text === 'fallback')).toBe(false);
  });

  it('accepts a message at exactly the limits', async () => {
    const blocks = [
      { type: 'header', text: text('h'.repeat(150), 'plain_text') },
      { type: 'section', text: text('a'.repeat(3000)), fields: Array.from({ length: 10 }, () => text('f'.repeat(2000))) },
      { type: 'actions', elements: [button('a'.repeat(255), 'v'.repeat(2000), 'b'.repeat(75))] },
      ...Array.from({ length: 47 }, () => ({ type: 'divider' })),
    ];
    const answer = await client.chat.postMessage({ channel: 'C0APPROVERS', text: 'at the limits', blocks: blocks as never });
    expect(answer.ok).toBe(true);
  });

  it('refuses blocks that are not JSON with invalid_blocks_format, and text over 40,000 with msg_too_long', async () => {
    expect((await refusal('chat.postMessage', { channel: 'C0APPROVERS', blocks: '[{' })).error).toBe('invalid_blocks_format');
    expect((await refusal('chat.postMessage', { channel: 'C0APPROVERS', text: 'x'.repeat(40_001) })).error).toBe('msg_too_long');
  });
});

describe('auth', () => {
  it('answers not_authed without a token and invalid_auth with a wrong one', async () => {
    expect((await refusal('auth.test', {}, sdk())).error).toBe('not_authed');
    expect((await refusal('auth.test', {}, sdk('xoxb-nope'))).error).toBe('invalid_auth');
    expect((await client.auth.test()).user_id).toBe('U0JITBOT');
  });

  it('takes JSON bodies with a bearer token, and ignores a token inside a JSON body', async () => {
    const post = (body: unknown, auth?: string) =>
      fetch(`${server.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8', ...(auth ? { Authorization: auth } : {}) },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const ok = await post({ channel: 'C0APPROVERS', text: 'json', blocks: [{ type: 'divider' }] }, 'Bearer xoxb-test-token');
    expect(ok).toMatchObject({ status: 200, body: { ok: true, channel: 'C0APPROVERS' } });
    expect(await post({ channel: 'C0APPROVERS', text: 'json', token: 'xoxb-test-token' })).toMatchObject({ status: 200, body: { ok: false, error: 'not_authed' } });
    expect(server.calls.at(-1)!.params).not.toHaveProperty('token');
  });

  it('accepts the token as a form field, as Slack does', async () => {
    const response = await fetch(`${server.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'xoxb-test-token' }),
    });
    expect(await response.json()).toMatchObject({ ok: true });
  });
});

describe('messages and conversations', () => {
  it('posts by #name and returns the channel id', async () => {
    const answer = await client.chat.postMessage({ channel: '#jit-approvals', text: 'by name' });
    expect(answer.channel).toBe('C0NAMED');
  });

  it('keeps the old blocks when chat.update sends none, and replaces them when it does', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0APPROVERS', text: 'v1', blocks: [{ type: 'actions', elements: [button('agent.process_message_1')] }] as never });
    await client.chat.update({ channel: 'C0APPROVERS', ts: posted.ts!, text: 'v2' });
    let message = server.messages.find((m) => m.ts === posted.ts)!;
    expect(message.text).toBe('v2');
    expect(message.blocks).toHaveLength(1);
    await client.chat.update({ channel: 'C0APPROVERS', ts: posted.ts!, text: 'v3', blocks: [{ type: 'divider' }] });
    message = server.messages.find((m) => m.ts === posted.ts)!;
    expect(message.blocks).toEqual([{ type: 'divider' }]);
    expect(message.history.map((h) => h.text)).toEqual(['v1', 'v2']);
  });

  it('refuses chat.update on a user id, an unknown ts, and a person’s message', async () => {
    const open = await client.conversations.open({ users: 'U0DEV' });
    const dm = await client.chat.postMessage({ channel: open.channel!.id!, text: 'dm' });
    expect((await refusal('chat.update', { channel: 'U0DEV', ts: dm.ts, text: 'x' })).error).toBe('channel_not_found');
    expect((await refusal('chat.update', { channel: open.channel!.id, ts: '1.999999', text: 'x' })).error).toBe('message_not_found');
    const human = server.seedMessage('C0APPROVERS', 'from a person', 'U0DEV');
    expect((await refusal('chat.update', { channel: 'C0APPROVERS', ts: human.ts, text: 'x' })).error).toBe('cant_update_message');
    expect((await client.chat.update({ channel: open.channel!.id!, ts: dm.ts!, text: 'edited' })).ok).toBe(true);
  });

  it('opens one stable D… conversation per user, and posting to the user id lands there', async () => {
    const first = await client.conversations.open({ users: 'U0DEV' });
    const second = await client.conversations.open({ users: 'U0DEV' });
    expect(first.channel!.id).toMatch(/^D/);
    expect(second.channel!.id).toBe(first.channel!.id);
    expect((await client.chat.postMessage({ channel: 'U0DEV', text: 'hi' })).channel).toBe(first.channel!.id);
    expect((await refusal('conversations.open', { users: 'U0NOBODY' })).error).toBe('user_not_found');
  });

  it('looks users up by email, case-insensitively, and answers users_not_found otherwise', async () => {
    expect((await client.users.lookupByEmail({ email: 'DEV@example.com' })).user!.id).toBe('U0DEV');
    expect((await refusal('users.lookupByEmail', { email: 'nobody@example.com' })).error).toBe('users_not_found');
  });

  it('refuses unknown channels and unknown methods', async () => {
    expect((await refusal('chat.postMessage', { channel: 'C0NOPE', text: 'x' })).error).toBe('channel_not_found');
    expect((await refusal('chat.meMessage', { channel: 'C0APPROVERS', text: 'x' })).error).toBe('unknown_method');
  });
});

describe('fault injection', () => {
  it('answers 429 with Retry-After, then the queued error, then normally', async () => {
    server.failNext('auth.test', { status: 429, retryAfter: 7 });
    server.failNext('auth.test', { error: 'fatal_error' });
    const first = await fetch(`${server.apiUrl}auth.test`, { method: 'POST', headers: { Authorization: 'Bearer xoxb-test-token' } });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect((await refusal('auth.test', {})).error).toBe('fatal_error');
    expect((await client.auth.test()).ok).toBe(true);
  });

  it('hangs (a test fault) until recovered: the client waits for its own timeout, the call is recorded as hung', async () => {
    server.degrade({ hang: true }, ['chat.update']);
    const impatient = new WebClient(server.token, { slackApiUrl: server.apiUrl, retryConfig: { retries: 0 }, timeout: 300, logger: quiet });
    const started = Date.now();
    const failed = await impatient.apiCall('chat.update', { channel: 'C0APPROVERS', ts: '1.000001', text: 'x' }).then(
      () => false,
      () => true,
    );
    expect(failed).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(server.calls.at(-1)).toMatchObject({ method: 'chat.update', hung: true, status: 0 });
    // Other methods answer as usual meanwhile.
    expect((await client.auth.test()).ok).toBe(true);
    server.recover();
    expect((await refusal('chat.update', { channel: 'C0APPROVERS', ts: '1.000001', text: 'x' })).error).toBe('message_not_found');
  });

  it('answers slowly when told to, then at once again after recovering', async () => {
    server.degrade({ delayMs: 400 });
    const started = Date.now();
    expect((await client.auth.test()).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    server.recover();
  });
});
