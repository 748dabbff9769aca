/** The pure text helpers behind every Slack message: escaping, cutting and listing within limits. */
import { describe, expect, it } from 'vitest';
import { buttonValue, teammateInstruction } from '../../../scripts/adapters/slack/approval-buttons.js';
import { renderApprovalMessage } from '../../../scripts/adapters/slack/approval-blocks.js';
import { codeBlock, escapeMrkdwn, inlineCode, isoUtc, joinLines, mrkdwn, truncate } from '../../../scripts/adapters/slack/mrkdwn.js';
import { validateBlocks } from '../../../scripts/standins/slack-block-limits.js';
import { pendingRequest } from './fixtures.js';

describe('escapeMrkdwn', () => {
  it('escapes the three control characters Slack names and nothing else', () => {
    expect(escapeMrkdwn('a & b <!channel> <@U1> > c')).toBe('a &amp; b &lt;!channel&gt; &lt;@U1&gt; &gt; c');
    expect(escapeMrkdwn('plain *bold* _it_')).toBe('plain *bold* _it_');
  });

  it('leaves no ``` in any value', () => {
    for (const value of ['```', '````', '`` `', 'a```b```c', '`'.repeat(17)]) {
      expect(escapeMrkdwn(value)).not.toContain('```');
    }
  });
});

describe('truncate', () => {
  it('never cuts an entity in half', () => {
    const escaped = escapeMrkdwn('ab<<<<');
    for (let max = 3; max <= escaped.length; max += 1) {
      const cut = truncate(escaped, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    }
  });

  it('never leaves half a surrogate pair', () => {
    const cut = truncate('😀'.repeat(10), 6);
    expect(cut).toBe('😀😀…');
  });

  it('returns short text unchanged', () => {
    expect(truncate('short', 5)).toBe('short');
  });
});

describe('code and lists', () => {
  it('keeps both fences of a code block whatever the content length', () => {
    const block = codeBlock('```'.repeat(5000), 3000);
    expect(block.length).toBeLessThanOrEqual(3000);
    expect(block.startsWith('```\n')).toBe(true);
    expect(block.endsWith('\n```')).toBe(true);
    expect(block.split('```')).toHaveLength(3);
  });

  it('turns backticks in inline code into apostrophes', () => {
    expect(inlineCode('a`b')).toBe("`a'b`");
  });

  it('keeps whole items and counts the rest', () => {
    const items = Array.from({ length: 50 }, (_, i) => `item-${i}`);
    const joined = joinLines(items, 60, ', ');
    expect(joined.length).toBeLessThanOrEqual(60);
    expect(joined).toMatch(/^item-0, item-1, .*, … and \d+ more$/);
    const kept = joined.split(', ').length - 1;
    expect(joined).toContain(`… and ${50 - kept} more`);
    expect(joinLines(['x'.repeat(100), 'y'], 40)).toMatch(/^x+…\n… and 1 more$/);
    expect(joinLines(['a', 'b'], 40)).toBe('a\nb');
  });

  it('formats instants as ISO UTC', () => {
    expect(isoUtc(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05Z');
  });

  it('mrkdwn escapes before it cuts', () => {
    expect(mrkdwn('<<<<', 10)).toBe('&lt;&lt;…');
  });
});

describe('buttons', () => {
  it('carries the agent and an instruction naming the tool, the request and the action', () => {
    expect(JSON.parse(buttonValue('agent-9', 'req-1', 'reject'))).toEqual({ agent_uuid: 'agent-9', message: teammateInstruction('req-1', 'reject') });
    expect(teammateInstruction('req-1', 'approve')).toContain('approve_tool_access_request');
  });

  it('refuses to build a value over Slack’s 2000 characters rather than cutting the JSON', () => {
    expect(() => buttonValue('a'.repeat(2000), 'req-1', 'approve')).toThrow(RangeError);
  });
});

describe('renderApprovalMessage', () => {
  it('renders every state within the limits, with buttons only while pending', () => {
    const statuses = ['approval_pending', 'access_denied', 'cancelled', 'timed_out', 'granting', 'access_granted', 'failed', 'ending', 'access_expired', 'revoked'] as const;
    for (const status of statuses) {
      const message = renderApprovalMessage(pendingRequest({ status, decidedBy: 'a@example.com', decidedAt: 1, expiresAt: 2, endedAt: 3 }), { agentUuid: 'agent' });
      expect(validateBlocks(message.blocks), status).toEqual([]);
      expect(message.blocks.some((b) => b.type === 'actions'), status).toBe(status === 'approval_pending');
    }
  });
});

describe('a request that needs several approvals', () => {
  const requirements = [
    { label: 'payments-owners', groups: ['payments-owners'], required: 1, targets: ['payments'] },
    { label: 'checkout-owners', groups: ['checkout-owners'], required: 2, targets: ['checkout'] },
  ];

  it('shows each requirement: approved by whom, or waiting and how many of how many, and keeps its buttons', () => {
    const message = renderApprovalMessage(
      pendingRequest({ approvalRequirements: requirements, approvals: [{ approver: 'pay@example.com', at: 1, counts: ['payments-owners'] }, { approver: 'co@example.com', at: 2, counts: ['checkout-owners'] }] }),
      { agentUuid: '6f1c2d3e-0000-4000-8000-00000000a9e1' },
    );
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('*payments-owners* (payments): approved by pay@example.com');
    expect(text).toContain('*checkout-owners* (checkout): waiting 1 of 2 (approved so far by co@example.com)');
    expect(text).toMatch(/"type":"actions"/);
    expect(validateBlocks(message.blocks)).toEqual([]);
  });

  it('stays within Slack limits with many owning groups and escapes their names', () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ label: `team-<!channel>-${i}`, groups: [`team-${i}`], required: 1, targets: [`ns-${i}`] }));
    const message = renderApprovalMessage(pendingRequest({ approvalRequirements: many, approvals: [] }));
    expect(validateBlocks(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).not.toContain('<!channel>');
  });
});
