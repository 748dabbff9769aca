import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderAnalyticsChart } from '../../../scripts/adapters/echarts/analytics-charts.js';
import { svgToPng } from '../../../scripts/adapters/resvg/svg-to-png.js';
import { createSlackDigestPoster } from '../../../scripts/adapters/slack/slack-digest.js';
import { computeAnalytics } from '../../../scripts/core/analytics/compute-analytics.js';
import type { Logger } from '../../../scripts/core/ports.js';
import { startSlackWireServer, type SlackWireServer } from '../../../scripts/standins/slack-wire-server.js';
import { DAY, HOUR, T0, ev, granted, input, req } from '../../support/analytics-fixtures.js';

const CHANNEL = 'C0APPROVERS';
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the weekly digest, through the real WebClient against the Slack stand-in', () => {
  let slack: SlackWireServer;
  beforeEach(async () => {
    slack = await startSlackWireServer({ channels: [CHANNEL] });
    slack.addChannel('C0ELSEWHERE', { name: 'elsewhere', member: false });
  });
  afterEach(() => slack.close());

  const env = (channel = CHANNEL) => ({ SLACK_API_TOKEN: slack.token, SLACK_API_URL: slack.apiUrl, APPROVERS_CHANNEL: channel });

  function report() {
    // The same person asks for a tool whose parameters carry a mention, a fake line and a bidi override.
    const hostile = { note: 'x <!channel> \u2028! [critical] Audit log intact \u202e' };
    const requests = Array.from({ length: 6 }, (_, i) => granted(T0 + i * HOUR, { requester: 'dev@example.com', toolParams: hostile, by: 'alice@example.com' }));
    const events = [ev('decision_refused', T0 + DAY, { reason: 'self_approval' }, requests[0]!.id, 'dev@example.com')];
    return computeAnalytics(input([...requests, req(T0 + 2 * DAY)], events, { window: { from: T0, to: T0 + 7 * DAY } }));
  }

  async function image(r: ReturnType<typeof report>) {
    const chart = renderAnalyticsChart(r, 'timeline');
    return { png: await svgToPng(chart.svg, 1280), filename: 'access-analytics.png', title: chart.title, altText: chart.description };
  }

  it('posts the numbers and findings, then uploads the chart with getUploadURLExternal, the upload URL and completeUploadExternal', async () => {
    const r = report();
    const picture = await image(r);
    const posted = await (await createSlackDigestPoster(env(), quiet)).post(r, picture);

    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    const reserve = slack.calls[1]!.params;
    expect(reserve).toMatchObject({ filename: 'access-analytics.png', length: String(picture.png.length) });
    // The SDK posts the bytes multipart form-encoded; Slack takes that or raw bytes.
    expect(JSON.parse(String(slack.calls[3]!.params.files))).toEqual([{ id: posted.fileId, title: picture.title }]);
    expect(slack.calls[3]!.params.channel_id).toBe(CHANNEL);

    const [file] = slack.files;
    expect(file).toMatchObject({ id: posted.fileId, completed: true, channel: CHANNEL, length: picture.png.length, uploadedAs: 'multipart/form-data' });
    expect(file!.bytes!.equals(picture.png)).toBe(true);
    expect(file!.bytes!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

    const [digest, share] = slack.messages;
    expect(posted).toEqual({ channel: CHANNEL, ts: digest!.ts, fileId: file!.id });
    expect(share).toMatchObject({ channel: CHANNEL, files: [file!.id] });
    const text = JSON.stringify(digest!.blocks);
    expect(text).toContain('*Requests* 7');
    expect(text).toContain('1 self-approval attempt (refused).');
    expect(text).toContain('asked for create_ec2');
    // The requester's text is one escaped line: no mention, no line break, no bidi override.
    expect(digest!.mentions).toEqual([]);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toMatch(/\u2028|\u202e/);
    expect(text).toContain('\\\\u2028! [critical] Audit log intact');
  });

  it('resolves a channel given by name to the id the upload needs', async () => {
    slack.addChannel('C0NAMED', { name: 'access-approvers' });
    const posted = await (await createSlackDigestPoster(env('#access-approvers'), quiet)).post(report(), await image(report()));
    expect(posted.channel).toBe('C0NAMED');
    expect(slack.files[0]!.channel).toBe('C0NAMED');
  });

  it('says the digest went out but the chart did not, when the upload is refused', async () => {
    slack.failNext('files.completeUploadExternal', { error: 'missing_scope' });
    const poster = await createSlackDigestPoster(env(), quiet);
    const failure = poster.post(report(), await image(report()));
    await expect(failure).rejects.toMatchObject({ code: 'analytics.chart_not_uploaded' });
    await expect(failure).rejects.toThrow(/The digest was posted \(message [\d.]+\), but its chart could not be uploaded: Slack refused files.uploadV2: missing_scope\. Add the files:write scope/);
    expect(slack.messages).toHaveLength(1);
  });

  it('checks the Slack settings before anything is sent', async () => {
    await expect(createSlackDigestPoster({ SLACK_API_URL: slack.apiUrl, APPROVERS_CHANNEL: CHANNEL }, quiet)).rejects.toThrow(/SLACK_API_TOKEN is not set/);
    await expect(createSlackDigestPoster({ SLACK_API_TOKEN: slack.token }, quiet)).rejects.toThrow(/APPROVERS_CHANNEL is not set/);
    expect(slack.calls).toEqual([]);
  });
});

describe('the stand-in upload flow, as Slack documents it', () => {
  let slack: SlackWireServer;
  let client: WebClient;
  beforeEach(async () => {
    slack = await startSlackWireServer({ channels: [CHANNEL] });
    slack.addChannel('C0OUTSIDE', { member: false });
    client = new WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(() => slack.close());

  const refused = (call: Promise<unknown>) => call.then(() => 'ok', (err: { data?: { error?: string } }) => err.data?.error);

  it('refuses missing or zero lengths, long alt text and a JSON body when reserving', async () => {
    expect(await refused(client.apiCall('files.getUploadURLExternal', { filename: 'a.png' }))).toBe('invalid_arguments');
    expect(await refused(client.apiCall('files.getUploadURLExternal', { filename: 'a.png', length: 0 }))).toBe('missing_argument');
    expect(await refused(client.apiCall('files.getUploadURLExternal', { filename: 'a.png', length: 3, alt_txt: 'x'.repeat(1001) }))).toBe('alt_txt_too_large');
    const json = await fetch(`${slack.apiUrl}files.getUploadURLExternal`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${slack.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename: 'a.png', length: 3 }),
    });
    expect(await json.json()).toEqual({ ok: false, error: 'invalid_arguments' });
  });

  it('completes only files whose bytes arrived, once, into a channel the bot is in', async () => {
    const reserve = (await client.apiCall('files.getUploadURLExternal', { filename: 'a.txt', length: 3 })) as unknown as { upload_url: string; file_id: string };
    const complete = (channel = CHANNEL) => refused(client.apiCall('files.completeUploadExternal', { files: JSON.stringify([{ id: reserve.file_id }]), channel_id: channel }));
    expect(await complete()).toBe('file_not_found');
    const upload = await fetch(reserve.upload_url, { method: 'POST', body: 'abc' });
    expect([upload.status, await upload.text()]).toEqual([200, 'OK - 3']);
    expect(await complete('C0MISSING')).toBe('channel_not_found');
    expect(await complete('C0OUTSIDE')).toBe('not_in_channel');
    expect(await complete()).toBe('ok');
    expect(await complete()).toBe('file_not_found');
    expect((await fetch(`${slack.apiUrl.replace(/api\/$/, '')}upload/v1/f0nothing-here`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect(slack.files[0]).toMatchObject({ completed: true, channel: CHANNEL, uploadedAs: 'text/plain' });
  });
});
