/**
 * Posts the analytics digest to the approvers' channel: the message through `chat.postMessage`, then one chart
 * image through Slack's current upload flow, `files.uploadV2` in @slack/web-api (`files.getUploadURLExternal`,
 * the bytes to the URL it returns, `files.completeUploadExternal`), shared in the same channel.
 */
import { ConfigError, UpstreamError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import type { AnalyticsReport } from '../../core/analytics/analytics-types.js';
import { renderDigest } from './digest-blocks.js';
import { SlackApi, type SlackApiClient } from './slack-api.js';
import { classifySlackError, platformError, rateLimitedError, transportError } from './slack-errors.js';
import { parseApiUrl } from './slack-notifier.js';
import { createSlackWebClient } from './slack-web-client.js';

/** The WebClient calls the digest uses: any Web API method, and the SDK's upload helper. */
export interface SlackUploadClient extends SlackApiClient {
  filesUploadV2(options: Record<string, unknown>): Promise<unknown>;
}

/** The chart image shared under the digest. */
export interface DigestImage {
  png: Buffer;
  filename: string;
  title: string;
  /** What the chart shows, for screen readers (Slack keeps at most 1,000 characters). */
  altText: string;
}

/** Where the digest went. */
export interface DigestPosted {
  channel: string;
  ts: string;
  fileId: string;
}

const FILE_HINTS = {
  missing_scope: 'Add the files:write scope to the Slack app and reinstall it, then post the digest again.',
  not_in_channel: 'Invite the Slack app to the channel named by APPROVERS_CHANNEL (/invite @app), then post the digest again.',
};

/** Sends the digest through one Slack client. */
export class SlackDigestPoster {
  private readonly api: SlackApi;

  constructor(
    private readonly client: SlackUploadClient,
    private readonly channel: string,
    private readonly log: Logger,
  ) {
    this.api = new SlackApi(client, log);
  }

  /** Posts the digest, then the image; an image that fails after the message says so, naming the message. */
  async post(report: AnalyticsReport, image: DigestImage): Promise<DigestPosted> {
    const message = renderDigest(report);
    const answer = await this.api.call('chat.postMessage', {
      channel: this.channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
      link_names: false,
      parse: 'none',
    });
    const channel = typeof answer.channel === 'string' ? answer.channel : '';
    const ts = typeof answer.ts === 'string' ? answer.ts : '';
    if (!channel || !ts) throw new UpstreamError('slack.bad_response', "Slack's answer to chat.postMessage had no channel or ts. Check SLACK_API_URL if set.");
    // files.completeUploadExternal takes only a channel id: the one chat.postMessage resolved, whatever APPROVERS_CHANNEL says.
    try {
      const fileId = await this.upload(channel, image);
      this.log.info('analytics digest posted', { channel, ts, fileId });
      return { channel, ts, fileId };
    } catch (err) {
      const reason = err instanceof UpstreamError ? err.message : 'the upload failed';
      throw new UpstreamError('analytics.chart_not_uploaded', `The digest was posted (message ${ts}), but its chart could not be uploaded: ${reason}`, { cause: err });
    }
  }

  private async upload(channel: string, image: DigestImage): Promise<string> {
    let result: unknown;
    try {
      result = await this.client.filesUploadV2({
        channel_id: channel,
        file: image.png,
        filename: image.filename,
        title: image.title,
        alt_text: image.altText.slice(0, 1000),
      });
    } catch (err) {
      const kind = classifySlackError(err);
      this.log.warn('chart upload failed', { kind: kind.kind });
      if (kind.kind === 'platform') throw platformError('files.uploadV2', kind.failure, FILE_HINTS[kind.failure.error as keyof typeof FILE_HINTS]);
      if (kind.kind === 'rate_limited') throw rateLimitedError('files.uploadV2', 1, kind.retryAfter);
      throw transportError('files.uploadV2', kind.kind === 'unreachable' || kind.kind === 'http' ? kind.kind : 'other', kind.kind === 'http' ? kind.status : undefined);
    }
    // uploadV2 answers { ok, files: [completeUploadExternal's answer] }, each with the files it shared.
    const completed = (result as { files?: { files?: { id?: unknown }[] }[] }).files?.[0]?.files?.[0]?.id;
    if (typeof completed !== 'string') throw new UpstreamError('slack.bad_response', "Slack's answer to files.completeUploadExternal had no file id.");
    return completed;
  }
}

/** Builds the poster from `SLACK_API_TOKEN`, `APPROVERS_CHANNEL` and `SLACK_API_URL`, loading the SDK now. */
export async function createSlackDigestPoster(env: NodeJS.ProcessEnv, log: Logger): Promise<SlackDigestPoster> {
  const token = env.SLACK_API_TOKEN?.trim();
  if (!token) throw new ConfigError('SLACK_API_TOKEN is not set: give the command the Slack app’s bot token (xoxb-…) to post the digest.', { variable: 'SLACK_API_TOKEN' });
  const channel = env.APPROVERS_CHANNEL?.trim();
  if (!channel) throw new ConfigError('APPROVERS_CHANNEL is not set: set it to the id (C…) of the approvers’ Slack channel to post the digest there.', { variable: 'APPROVERS_CHANNEL' });
  const apiUrl = parseApiUrl(env.SLACK_API_URL);
  // createSlackWebClient builds a real WebClient, which has filesUploadV2; its declared type is the narrower port.
  const client = (await createSlackWebClient(token, { ...(apiUrl ? { apiUrl } : {}), log })) as SlackUploadClient;
  return new SlackDigestPoster(client, channel, log);
}
