/**
 * How SlackNotifier fails: Slack's refusals become UpstreamErrors that say what to fix, rate limits are
 * waited out a bounded number of times, configuration gaps are ConfigErrors, and the token appears nowhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackWebClient } from '../../../scripts/adapters/slack/slack-web-client.js';
import { createSlackNotifier, SlackNotifier } from '../../../scripts/adapters/slack/slack-notifier.js';
import { ConfigError, UpstreamError } from '../../../scripts/core/errors.js';
import { startSlackWireServer, type SlackWireServer } from '../../../scripts/standins/slack-wire-server.js';
import { grantedRequest, pendingRequest, recordingLogger } from './fixtures.js';

let server: SlackWireServer;
const log = recordingLogger();
const env = () => ({ SLACK_API_TOKEN: server.token, APPROVERS_CHANNEL: 'C0APPROVERS', KUBIYA_AGENT_UUID: 'agent-1', SLACK_API_URL: server.apiUrl });

beforeAll(async () => {
  server = await startSlackWireServer({ channels: ['C0APPROVERS'], users: [{ id: 'U0DEV', email: 'dev@example.com', name: 'dev' }] });
  server.addChannel('C0NOTINVITED', { member: false });
});

afterAll(async () => {
  await server.close();
});

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

describe('Slack refusals', () => {
  it('channel_not_found names APPROVERS_CHANNEL', async () => {
    const notifier = await createSlackNotifier({ ...env(), APPROVERS_CHANNEL: 'C0MISSING' }, log);
    const err = await rejection(notifier.postApprovalRequest(pendingRequest()));
    expect(err.code).toBe('slack.channel_not_found');
    expect(err.message).toContain('chat.postMessage');
    expect(err.message).toContain('channel_not_found');
    expect(err.message).toContain('APPROVERS_CHANNEL');
  });

  it('not_in_channel says to invite the app', async () => {
    const notifier = await createSlackNotifier({ ...env(), APPROVERS_CHANNEL: 'C0NOTINVITED' }, log);
    const err = await rejection(notifier.postApprovalRequest(pendingRequest()));
    expect(err.code).toBe('slack.not_in_channel');
    expect(err.message).toContain('/invite');
  });

  it('a wrong token is invalid_auth naming SLACK_API_TOKEN, without the token', async () => {
    const wrong = 'xoxb-wrong-0123456789-secretvalue';
    const notifier = await createSlackNotifier({ ...env(), SLACK_API_TOKEN: wrong }, log);
    const err = await rejection(notifier.postApprovalRequest(pendingRequest()));
    expect(err.code).toBe('slack.invalid_auth');
    expect(err.message).toContain('SLACK_API_TOKEN');
    expect(JSON.stringify({ message: err.message, detail: err.detail })).not.toContain(wrong);
    expect(JSON.stringify(log.entries)).not.toContain(wrong);
  });

  it('an unknown requester email is users_not_found, and nothing is posted', async () => {
    const notifier = await createSlackNotifier(env(), log);
    const posts = server.messages.length;
    const err = await rejection(notifier.notifyRequester(pendingRequest({ requester: 'ghost@example.com' }), 'rejected'));
    expect(err.code).toBe('slack.users_not_found');
    expect(err.message).toContain('ghost@example.com');
    expect(server.messages.length).toBe(posts);
  });

  it('updating a message that is gone is message_not_found', async () => {
    const notifier = await createSlackNotifier(env(), log);
    const err = await rejection(notifier.updateApprovalRequest({ channel: 'C0APPROVERS', ts: '1.000001' }, grantedRequest()));
    expect(err.code).toBe('slack.message_not_found');
    expect(err.message).toContain('chat.update');
  });

  it('a Slack error injected on the wire surfaces with its own code', async () => {
    const notifier = await createSlackNotifier(env(), log);
    server.failNext('conversations.open', { error: 'missing_scope' });
    const err = await rejection(notifier.notifyRequester(grantedRequest(), 'approved'));
    expect(err.code).toBe('slack.missing_scope');
    expect(err.message).toContain('im:write');
  });
});

describe('rate limits', () => {
  it('waits out a 429 for its Retry-After and then succeeds', async () => {
    const notifier = await createSlackNotifier(env(), log);
    server.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const before = server.calls.length;
    const ref = await notifier.postApprovalRequest(pendingRequest());

    const calls = server.calls.slice(before);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    // The second attempt came no sooner than Slack asked (1 s; timers may round by a millisecond).
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(990);
    expect(server.messages.find((m) => m.ts === ref.ts)).toBeDefined();
  });

  it('gives up with slack.rate_limited after a few retries', async () => {
    const notifier = await createSlackNotifier(env(), log);
    for (let i = 0; i < 4; i += 1) server.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const before = server.calls.length;
    const err = await rejection(notifier.postApprovalRequest(pendingRequest()));
    expect(err.code).toBe('slack.rate_limited');
    expect(err.message).toContain('chat.postMessage');
    // One attempt and three retries, then a clear error.
    expect(server.calls.slice(before).map((c) => c.status)).toEqual([429, 429, 429, 429]);
  });

  it('does not block a tool run on a long Retry-After', async () => {
    const notifier = await createSlackNotifier(env(), log);
    server.failNext('chat.postMessage', { status: 429, retryAfter: 600 });
    const before = server.calls.length;
    const err = await rejection(notifier.postApprovalRequest(pendingRequest()));
    expect(err.code).toBe('slack.rate_limited');
    expect(err.detail).toMatchObject({ retryAfter: 600, attempts: 1 });
    expect(server.calls.length - before).toBe(1);
  });

  it('retries as many times as configured on a hand-built notifier', async () => {
    const client = await createSlackWebClient(server.token, { apiUrl: server.apiUrl, log });
    const notifier = new SlackNotifier({ client, channel: 'C0APPROVERS', agentUuid: 'agent-1', log, maxRateLimitRetries: 0 });
    server.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const err = await rejection(notifier.postApprovalRequest(pendingRequest()));
    expect(err.code).toBe('slack.rate_limited');
  });
});

describe('deliveries after the fact (the outbox)', () => {
  it('hand a rate limit back at once with Slack’s Retry-After, for the outbox to wait out', async () => {
    const notifier = await createSlackNotifier(env(), log);
    const posted = await notifier.postApprovalRequest(pendingRequest());
    server.failNext('chat.update', { status: 429, retryAfter: 30 });
    const before = server.calls.length;
    const err = await rejection(notifier.updateApprovalRequest(posted, grantedRequest()));
    expect(err.code).toBe('slack.rate_limited');
    expect(err.detail).toMatchObject({ retryAfter: 30, attempts: 1 });
    expect(server.calls.length - before).toBe(1);
  });

  it('give up on a Slack that does not answer after a short timeout', async () => {
    const notifier = await createSlackNotifier(env(), log);
    server.degrade({ hang: true }, ['users.lookupByEmail']);
    const started = Date.now();
    const err = await rejection(notifier.notifyRequester(grantedRequest(), 'expired'));
    server.recover();
    expect(err.code).toBe('slack.unreachable');
    expect(Date.now() - started).toBeLessThan(12_000);
  }, 30_000);

  it('post a notice about no one request to the approvers’ channel', async () => {
    const notifier = await createSlackNotifier(env(), log);
    await notifier.alertChannel!('configs/s3_configs.json: is not valid JSON <!channel>');
    const last = server.messages.at(-1)!;
    expect(last.channel).toBe('C0APPROVERS');
    expect(JSON.stringify(last.blocks)).toContain('s3_configs.json');
    // Text from a config error is shown, never turned into a mention.
    expect(last.mentions).toEqual([]);
  });
});

describe('configuration', () => {
  it('requires SLACK_API_TOKEN, naming it', async () => {
    const { SLACK_API_TOKEN: _omit, ...rest } = env();
    const err = await createSlackNotifier(rest, log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('SLACK_API_TOKEN');
  });

  it('requires APPROVERS_CHANNEL, naming it', async () => {
    const err = await createSlackNotifier({ ...env(), APPROVERS_CHANNEL: '  ' }, log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('APPROVERS_CHANNEL');
  });

  it('refuses a SLACK_API_URL that is not an http(s) URL', async () => {
    const err = await createSlackNotifier({ ...env(), SLACK_API_URL: 'file:///etc/passwd' }, log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('SLACK_API_URL');
  });

  it('an unreachable Slack is slack.unreachable, not a hang or a stack trace', async () => {
    const closed = await startSlackWireServer();
    const url = closed.apiUrl;
    await closed.close();
    const notifier = await createSlackNotifier({ ...env(), SLACK_API_URL: url }, log);
    const err = await rejection(notifier.postApprovalRequest(pendingRequest()));
    expect(err.code).toBe('slack.unreachable');
    expect(err.message).not.toMatch(/\n\s+at /);
  });
});

it('never logs the token', () => {
  expect(JSON.stringify(log.entries)).not.toContain(server.token);
});
