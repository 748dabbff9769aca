/**
 * SlackNotifier on the real @slack/web-api WebClient against the wire-level Slack stand-in: what reaches
 * "Slack" is what approvers and requesters would see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../../scripts/adapters/slack/approval-buttons.js';
import { createSlackNotifier } from '../../../scripts/adapters/slack/slack-notifier.js';
import type { Notifier, RequesterNotice } from '../../../scripts/core/ports.js';
import { validateBlocks } from '../../../scripts/standins/slack-block-limits.js';
import { startSlackWireServer, type SlackWireServer } from '../../../scripts/standins/slack-wire-server.js';
import { blocksOfType, blockText, grantedRequest, pendingRequest, recordingLogger } from './fixtures.js';

const AGENT = '3f1c2a9e-5b7d-4c11-9a0e-7d2b6c8e4f10';
let server: SlackWireServer;
let notifier: Notifier;
const log = recordingLogger();

beforeAll(async () => {
  server = await startSlackWireServer({
    channels: ['C0APPROVERS'],
    users: [{ id: 'U0DEV', email: 'dev@example.com', name: 'dev' }],
  });
  notifier = await createSlackNotifier(
    { SLACK_API_TOKEN: server.token, APPROVERS_CHANNEL: 'C0APPROVERS', KUBIYA_AGENT_UUID: AGENT, SLACK_API_URL: server.apiUrl },
    log,
  );
});

afterAll(async () => {
  await server.close();
});

describe('postApprovalRequest', () => {
  it('posts valid blocks with Approve and Reject buttons in Kubiya’s convention', async () => {
    const request = pendingRequest({ requestedBy: 'lead@example.com' });
    const ref = await notifier.postApprovalRequest(request);

    const message = server.messages.find((m) => m.ts === ref.ts)!;
    expect(message.channel).toBe('C0APPROVERS');
    expect(ref.channel).toBe('C0APPROVERS');
    expect(validateBlocks(message.blocks)).toEqual([]);

    const actions = blocksOfType(message.blocks, 'actions');
    expect(actions).toHaveLength(1);
    const buttons = actions[0]!.elements as { action_id: string; value: string; text: { text: string } }[];
    expect(buttons.map((b) => [b.text.text, b.action_id])).toEqual([
      ['Approve', APPROVE_ACTION_ID],
      ['Reject', REJECT_ACTION_ID],
    ]);
    const [approve, reject] = buttons.map((b) => JSON.parse(b.value) as { agent_uuid: string; message: string });
    expect(approve!.agent_uuid).toBe(AGENT);
    expect(reject!.agent_uuid).toBe(AGENT);
    expect(approve!.message).toContain('approve_tool_access_request');
    expect(approve!.message).toContain('request_id "req-7f3a9c"');
    expect(approve!.message).toContain('approval_action "approve"');
    expect(reject!.message).toContain('approval_action "reject"');
    expect(Object.keys(approve!).sort()).toEqual(['agent_uuid', 'message']);
  });

  it('tells approvers who asks, who ran it, the parameters, TTL, why they were chosen and what is granted', async () => {
    const request = pendingRequest({ requestedBy: 'lead@example.com' });
    const ref = await notifier.postApprovalRequest(request);
    const text = blockText(server.messages.find((m) => m.ts === ref.ts)!.blocks);

    expect(blocksOfType(server.messages.at(-1)!.blocks, 'header')[0]).toMatchObject({ text: { type: 'plain_text', text: 'Access request: create_ec2' } });
    expect(text).toContain('dev@example.com');
    expect(text).toContain('Requested on their behalf by *lead@example.com*');
    expect(text).toContain('```\n{\n  "region": "eu-west-1",');
    expect(text).toContain('*1h*');
    expect(text).toContain('Load test for the checkout service');
    expect(text).toContain('alice@example.com, bob@example.com');
    expect(text).toContain(request.routing.explanation);
    expect(text).toContain('compute.md (score 4.25) → platform-approvers');
    expect(text).toContain('Enforcer allow: create_ec2 {region: eu-west-1}');
    expect(text).toContain('`req-7f3a9c`');
    expect(text).toContain('2026-03-01T09:00:00Z');
  });

  it('sends a fallback text, never a bare blocks-only message', async () => {
    await notifier.postApprovalRequest(pendingRequest());
    const call = server.calls.filter((c) => c.method === 'chat.postMessage').at(-1)!;
    expect(call.params.text).toMatch(/^Access request req-7f3a9c: dev@example.com asks for create_ec2 for 1h/);
    expect(call.params.unfurl_links).toBe('false');
  });
});

describe('updateApprovalRequest', () => {
  it('replaces the buttons with who approved and until when once approved', async () => {
    const ref = await notifier.postApprovalRequest(pendingRequest());
    const granted = grantedRequest();
    await notifier.updateApprovalRequest(ref, granted);

    const message = server.messages.find((m) => m.ts === ref.ts)!;
    expect(message.history).toHaveLength(1);
    expect(blocksOfType(message.history[0]!.blocks, 'actions')).toHaveLength(1);
    expect(blocksOfType(message.blocks, 'actions')).toEqual([]);
    const text = blockText(message.blocks);
    expect(text).toContain('*Approved* by *alice@example.com* at 2026-03-01T09:05:00Z');
    expect(text).toContain('Access granted until *2026-03-01T10:05:02Z*');
    expect(validateBlocks(message.blocks)).toEqual([]);
  });

  it('shows a rejection with its reason, and a revocation with who and why, without buttons', async () => {
    const ref = await notifier.postApprovalRequest(pendingRequest());
    await notifier.updateApprovalRequest(ref, pendingRequest({ status: 'access_denied', decidedBy: 'bob@example.com', decidedAt: Date.UTC(2026, 2, 1, 9, 1), endReason: 'Use staging instead' }));
    let message = server.messages.find((m) => m.ts === ref.ts)!;
    expect(blockText(message.blocks)).toContain('*Rejected* by *bob@example.com* at 2026-03-01T09:01:00Z.\n*Reason:* Use staging instead');
    expect(blocksOfType(message.blocks, 'actions')).toEqual([]);

    await notifier.updateApprovalRequest(ref, grantedRequest({ status: 'revoked', endedBy: 'carol@example.com', endedAt: Date.UTC(2026, 2, 1, 9, 30), endReason: 'Incident over' }));
    message = server.messages.find((m) => m.ts === ref.ts)!;
    expect(blockText(message.blocks)).toContain('*Revoked* by *carol@example.com* at 2026-03-01T09:30:00Z.\n*Reason:* Incident over');
    expect(message.history).toHaveLength(2);
  });

  it('keeps the buttons while the request is still pending', async () => {
    const ref = await notifier.postApprovalRequest(pendingRequest());
    await notifier.updateApprovalRequest(ref, pendingRequest({ version: 2 }));
    expect(blocksOfType(server.messages.find((m) => m.ts === ref.ts)!.blocks, 'actions')).toHaveLength(1);
  });
});

describe('notifyRequester', () => {
  it('reaches the requester through lookupByEmail, conversations.open and a D… channel', async () => {
    const before = server.calls.length;
    await notifier.notifyRequester(grantedRequest(), 'approved');

    const methods = server.calls.slice(before).map((c) => c.method);
    expect(methods).toEqual(['users.lookupByEmail', 'conversations.open', 'chat.postMessage']);
    expect(server.calls[before + 1]!.params.users).toBe('U0DEV');
    const dm = server.messages.at(-1)!;
    expect(dm.channel).toMatch(/^D/);
    expect(blockText(dm.blocks)).toContain('*approved* by alice@example.com');
    expect(blockText(dm.blocks)).toContain('until *2026-03-01T10:05:02Z*');
  });

  it('sends every notice as a message Slack accepts, each saying what happened', async () => {
    const expected: Record<RequesterNotice, string> = {
      approved: 'approved',
      rejected: 'Reason:* Not this week',
      expiring: 'expires at 2026-03-01T10:05:02Z',
      expired: 'expired',
      revoked: 'revoked* by carol@example.com',
      failed: 'granting the access failed',
      timed_out: 'timed out',
      not_posted: 'could not be sent to the approvers',
    };
    for (const [notice, phrase] of Object.entries(expected) as [RequesterNotice, string][]) {
      await notifier.notifyRequester(grantedRequest({ endReason: 'Not this week', endedBy: 'carol@example.com', decidedBy: 'bob@example.com' }), notice);
      const dm = server.messages.at(-1)!;
      expect(dm.channel, notice).toMatch(/^D/);
      expect(blockText(dm.blocks), notice).toContain(phrase);
    }
  });
});

describe('alertApprovers', () => {
  it('threads the alert under the approval message and broadcasts it to the channel', async () => {
    const ref = await notifier.postApprovalRequest(pendingRequest());
    await notifier.alertApprovers(grantedRequest({ approvalMessage: ref }), 'Revocation failed 3 times: AccessDenied on iam:DetachUserPolicy');
    const alert = server.messages.at(-1)!;
    expect(alert.channel).toBe('C0APPROVERS');
    expect(alert.thread_ts).toBe(ref.ts);
    expect(server.calls.at(-1)!.params.reply_broadcast).toBe('true');
    expect(blockText(alert.blocks)).toContain('Revocation failed 3 times');
  });

  it('posts in the approvers’ channel when the request has no message to thread under', async () => {
    await notifier.alertApprovers(grantedRequest(), 'Needs a look');
    expect(server.messages.at(-1)!).toMatchObject({ channel: 'C0APPROVERS' });
    expect(server.messages.at(-1)!.thread_ts).toBeUndefined();
  });
});

describe('without KUBIYA_AGENT_UUID', () => {
  it('posts no buttons but tells approvers how to decide', async () => {
    const bare = await createSlackNotifier({ SLACK_API_TOKEN: server.token, APPROVERS_CHANNEL: 'C0APPROVERS', SLACK_API_URL: server.apiUrl }, recordingLogger());
    const ref = await bare.postApprovalRequest(pendingRequest());
    const message = server.messages.find((m) => m.ts === ref.ts)!;
    expect(blocksOfType(message.blocks, 'actions')).toEqual([]);
    expect(blockText(message.blocks)).toContain('approve_tool_access_request with request_id `req-7f3a9c`');
  });
});

it('never logs the token', () => {
  expect(log.entries.length).toBeGreaterThan(0);
  expect(JSON.stringify(log.entries)).not.toContain(server.token);
});
