/**
 * The {@link Notifier} on Slack: the approval request with Approve / Reject buttons in the approvers'
 * channel, its update once decided, DMs to the requester, and alerts to the approvers. Rendering lives in
 * approval-blocks.ts and requester-blocks.ts; this file only sends, and parses Slack's answers at the edge.
 */
import { ConfigError, UpstreamError } from '../../core/errors.js';
import type { Logger, Notifier, RequesterNotice } from '../../core/ports.js';
import type { AccessRequest, MessageRef } from '../../core/types.js';
import { renderApprovalMessage } from './approval-blocks.js';
import { context, section, type SlackMessage } from './block-kit.js';
import { inlineCode, mrkdwn } from './mrkdwn.js';
import { renderRequesterNotice } from './requester-blocks.js';
import { SlackApi, type SlackApiClient, type SlackRetryOptions } from './slack-api.js';
import { createSlackWebClient } from './slack-web-client.js';

/** What {@link SlackNotifier} needs. */
export interface SlackNotifierOptions extends SlackRetryOptions {
  /**
   * A WebClient (or anything with its `apiCall`). Build it with {@link createSlackWebClient} so rate limits
   * come back here to be retried a bounded number of times rather than inside the SDK.
   */
  client: SlackApiClient;
  /**
   * The client for everything sent after the fact (message updates, DMs, alerts: the outbox's deliveries).
   * {@link createSlackNotifier} gives it a short timeout, and its rate limits are not waited out here: the
   * error carries Slack's `Retry-After` and the outbox retries after it. Defaults to `client`.
   */
  deliveryClient?: SlackApiClient;
  /** The approvers' channel: an id (C…) or a name. */
  channel: string;
  /** The Kubiya agent the buttons talk to (KUBIYA_AGENT_UUID); without it the message has no buttons. */
  agentUuid?: string;
  log: Logger;
}

/** Posting and DMs must not unfurl links a requester typed, nor turn a literal @channel into a mention. */
const SEND_DEFAULTS = { unfurl_links: false, unfurl_media: false, link_names: false, parse: 'none' } as const;

/** Sends the package's messages through Slack's Web API. */
export class SlackNotifier implements Notifier {
  private readonly api: SlackApi;
  private readonly delivery: SlackApi;
  private readonly channel: string;
  private readonly agentUuid: string | undefined;
  private readonly log: Logger;

  constructor(options: SlackNotifierOptions) {
    this.api = new SlackApi(options.client, options.log, options);
    this.delivery = options.deliveryClient ? new SlackApi(options.deliveryClient, options.log, { ...options, maxRateLimitRetries: 0 }) : this.api;
    this.channel = options.channel;
    this.agentUuid = options.agentUuid || undefined;
    this.log = options.log;
  }

  async postApprovalRequest(request: AccessRequest): Promise<MessageRef> {
    if (!this.agentUuid) this.log.warn('KUBIYA_AGENT_UUID is not set: the approval message has no buttons', { requestId: request.id });
    const message = renderApprovalMessage(request, { agentUuid: this.agentUuid });
    const answer = await this.api.call('chat.postMessage', { channel: this.channel, ...message, ...SEND_DEFAULTS, blocks: message.blocks });
    const ref = { channel: stringField(answer, 'channel', 'chat.postMessage'), ts: stringField(answer, 'ts', 'chat.postMessage') };
    this.log.info('approval request posted', { requestId: request.id, channel: ref.channel, ts: ref.ts });
    return ref;
  }

  async updateApprovalRequest(ref: MessageRef, request: AccessRequest): Promise<void> {
    // Blocks are always sent: without them chat.update keeps the old ones, buttons included.
    const message = renderApprovalMessage(request, { agentUuid: this.agentUuid });
    await this.delivery.call('chat.update', { channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks, ...UPDATE_DEFAULTS }, {
      channel_not_found: 'The approvers’ message refers to a channel Slack no longer knows; the request itself is unaffected.',
    });
    this.log.info('approval request updated', { requestId: request.id, status: request.status });
  }

  async notifyRequester(request: AccessRequest, notice: RequesterNotice): Promise<void> {
    const dm = await this.openDm(request.requester);
    const message = renderRequesterNotice(request, notice);
    await this.delivery.call('chat.postMessage', { channel: dm, ...message, ...SEND_DEFAULTS, blocks: message.blocks }, DM_HINTS);
    this.log.info('requester notified', { requestId: request.id, notice });
  }

  /** Construction already checked the token and channel; nothing more to verify without calling Slack. */
  async ready(): Promise<void> {}

  async alertApprovers(request: AccessRequest, text: string): Promise<void> {
    const thread = request.approvalMessage;
    const message = alertMessage(request, text);
    await this.delivery.call('chat.postMessage', {
      channel: thread?.channel ?? this.channel,
      ...message,
      ...SEND_DEFAULTS,
      blocks: message.blocks,
      // Threaded under the request so the context is there, and broadcast so the channel sees it.
      ...(thread ? { thread_ts: thread.ts, reply_broadcast: true } : {}),
    });
    this.log.info('approvers alerted', { requestId: request.id });
  }

  async alertChannel(text: string): Promise<void> {
    const message: SlackMessage = {
      text: 'kubiya-jit needs attention',
      blocks: [section(`:rotating_light: *kubiya-jit needs attention*\n${mrkdwn(text, 2500)}`, 'jit_operator_alert')],
    };
    await this.delivery.call('chat.postMessage', { channel: this.channel, ...message, ...SEND_DEFAULTS, blocks: message.blocks });
    this.log.info('approvers channel alerted');
  }

  /** Finds the requester's Slack user by email and opens (or reuses) the app's DM with them. */
  private async openDm(email: string): Promise<string> {
    const found = await this.delivery.call('users.lookupByEmail', { email }, {
      users_not_found: `No Slack user has the email ${email}; the requester's Slack profile email must match their login.`,
    });
    const user = found.user as Record<string, unknown> | undefined;
    const userId = typeof user?.id === 'string' ? user.id : undefined;
    if (!userId) throw badAnswer('users.lookupByEmail', 'user.id');
    const opened = await this.delivery.call('conversations.open', { users: userId }, DM_HINTS);
    const channel = opened.channel as Record<string, unknown> | undefined;
    // chat.update and later posts need the D… conversation id, not the U… user id.
    if (typeof channel?.id !== 'string') throw badAnswer('conversations.open', 'channel.id');
    return channel.id;
  }
}

const UPDATE_DEFAULTS = { link_names: false, parse: 'none' } as const;

const DM_HINTS = {
  channel_not_found: 'The direct message with the requester could not be opened; check the Slack app has the im:write scope.',
  not_in_channel: 'The direct message with the requester could not be opened; check the Slack app has the im:write scope.',
};

function alertMessage(request: AccessRequest, text: string): SlackMessage {
  const headline = `:rotating_light: *Needs attention:* access request ${inlineCode(request.id)} (${inlineCode(request.toolName)} for ${mrkdwn(request.requester, 254)})`;
  return {
    text: `Needs attention: access request ${mrkdwn(request.id, 100)}`,
    blocks: [section(`${headline}\n${mrkdwn(text, 2000)}`, 'jit_alert'), context([`Status: ${mrkdwn(request.status, 40)}`])],
  };
}

function stringField(answer: Record<string, unknown>, field: string, method: string): string {
  const value = answer[field];
  if (typeof value !== 'string' || value.length === 0) throw badAnswer(method, field);
  return value;
}

function badAnswer(method: string, field: string): UpstreamError {
  return new UpstreamError('slack.bad_response', `Slack's answer to ${method} had no ${field}. Check SLACK_API_URL if set.`, { detail: { method, field } });
}

/**
 * How long one Slack call of an outbox delivery may take. A Slack that hangs costs a delivery this much per
 * call and then a retry later; it never holds up anything else.
 */
const DELIVERY_TIMEOUT_MS = 5_000;

/**
 * Builds a {@link SlackNotifier} from the environment: `SLACK_API_TOKEN` and `APPROVERS_CHANNEL` (both
 * required), `KUBIYA_AGENT_UUID` (for the buttons) and `SLACK_API_URL` (a base URL override for a local
 * stand-in). Loads `@slack/web-api` only now.
 */
export async function createSlackNotifier(env: NodeJS.ProcessEnv, log: Logger): Promise<Notifier> {
  const token = env.SLACK_API_TOKEN?.trim();
  if (!token) {
    throw new ConfigError('SLACK_API_TOKEN is not set: give the tool the Slack app’s bot token (xoxb-…) as the secret SLACK_API_TOKEN.', {
      variable: 'SLACK_API_TOKEN',
    });
  }
  const channel = env.APPROVERS_CHANNEL?.trim();
  if (!channel) {
    throw new ConfigError('APPROVERS_CHANNEL is not set: set it to the id (C…) of the Slack channel where approvers decide.', {
      variable: 'APPROVERS_CHANNEL',
    });
  }
  const apiUrl = parseApiUrl(env.SLACK_API_URL);
  const client = await createSlackWebClient(token, { ...(apiUrl ? { apiUrl } : {}), log });
  const deliveryClient = await createSlackWebClient(token, { ...(apiUrl ? { apiUrl } : {}), log, timeoutMs: DELIVERY_TIMEOUT_MS });
  return new SlackNotifier({ client, deliveryClient, channel, agentUuid: env.KUBIYA_AGENT_UUID?.trim(), log });
}

/** Reads `SLACK_API_URL`: unset, or an http(s) Web API base; normalised to end in `/`. */
export function parseApiUrl(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('SLACK_API_URL is not a URL: set it to a Web API base such as https://slack.com/api/, or unset it.', {
      variable: 'SLACK_API_URL',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('SLACK_API_URL must be an http(s) URL such as https://slack.com/api/.', { variable: 'SLACK_API_URL' });
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
