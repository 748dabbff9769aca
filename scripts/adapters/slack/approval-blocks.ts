/**
 * Renders the approvers' message for one access request: who asks (and who ran it, on-behalf), the tool,
 * its parameters, the TTL, the justification, the approvers and why they were chosen, what approval will
 * grant, the request id, the current state, and — only while the request is pending — Approve / Reject.
 * Pure: the same request always gives the same message, within Slack's limits whatever the input.
 */
import { formatDuration } from '../../core/duration.js';
import type { AccessRequest, ApproverRouting } from '../../core/types.js';
import { approvalActions } from './approval-buttons.js';
import { describeStatus, statusPhrase } from './approval-status.js';
import { context, divider, fields, header, section, type Block, type SlackMessage } from './block-kit.js';
import { codeBlock, escapeMrkdwn, inlineCode, isoUtc, joinLines, LIMITS, mrkdwn } from './mrkdwn.js';

const EMAIL_MAX = 254;
const MAX_MATCHES = 5;

/** Options for {@link renderApprovalMessage}. */
export interface ApprovalRenderOptions {
  /** Kubiya agent the buttons talk to; without it the message carries the instruction as text instead. */
  agentUuid?: string;
}

/** Renders the approvers' message (blocks and fallback text) for the request's current state. */
export function renderApprovalMessage(request: AccessRequest, options: ApprovalRenderOptions = {}): SlackMessage {
  const pending = request.status === 'approval_pending';
  const blocks: Block[] = [
    header(`Access request: ${request.toolName}`),
    section(summaryLine(request), 'jit_summary'),
    fields(factFields(request)),
    section(`*Parameters*\n${codeBlock(JSON.stringify(request.toolParams, null, 2), LIMITS.sectionText - 16)}`, 'jit_params'),
    section(titled('Justification', request.justification || '(none given)'), 'jit_justification'),
    section(titled('What approval grants', undefined, request.preview.summary.map((line) => `• ${escapeMrkdwn(line)}`)), 'jit_grant'),
    section(approversText(request), 'jit_approvers'),
    divider(),
    section(describeStatus(request), 'jit_status'),
  ];
  if (pending && options.agentUuid) {
    blocks.push(approvalActions(options.agentUuid, request.id));
  } else if (pending) {
    blocks.push(
      context([
        `To decide, ask the teammate to run approve_tool_access_request with request_id ${inlineCode(request.id)} and approval_action approve or reject.`,
      ]),
    );
  }
  blocks.push(context([`Request ${inlineCode(request.id)} · created ${isoUtc(request.createdAt)}`]));
  return { text: fallbackText(request), blocks };
}

function summaryLine(request: AccessRequest): string {
  const ttl = formatDuration(request.ttlSeconds);
  let line = `*${mrkdwn(request.requester, EMAIL_MAX)}* asks for access to ${inlineCode(request.toolName)} for *${ttl}*.`;
  if (request.requestedBy !== request.requester) {
    line += `\nRequested on their behalf by *${mrkdwn(request.requestedBy, EMAIL_MAX)}*.`;
  }
  return line;
}

function factFields(request: AccessRequest): string[] {
  const facts = [
    `*Requester*\n${mrkdwn(request.requester, EMAIL_MAX)}`,
    ...(request.requestedBy !== request.requester ? [`*Run by*\n${mrkdwn(request.requestedBy, EMAIL_MAX)}`] : []),
    `*Tool*\n${inlineCode(request.toolName)}`,
    `*Duration (TTL)*\n${formatDuration(request.ttlSeconds)}`,
    `*Status*\n${escapeMrkdwn(statusPhrase(request))}`,
    `*Request id*\n${inlineCode(request.id)}`,
  ];
  if (request.expiresAt !== undefined) facts.push(`*Access until*\n${isoUtc(request.expiresAt)}`);
  return facts;
}

function approversText(request: AccessRequest): string {
  const people = request.approvers.map((email) => mrkdwn(email, EMAIL_MAX));
  const groupCodes = request.approverGroups.map((group) => inlineCode(group, 100));
  const groups = groupCodes.length > 0 ? joinLines(groupCodes, 600, ', ') : '(none)';
  const head = `*Approvers* (groups: ${groups})\n`;
  const why = `\n*Why them:* ${mrkdwn(request.routing.explanation, 800)}${matchesText(request.routing)}`;
  const list = people.length > 0 ? joinLines(people, LIMITS.sectionText - head.length - why.length, ', ') : '(none)';
  return `${head}${list}${why}`;
}

function matchesText(routing: ApproverRouting): string {
  if (!routing.matches || routing.matches.length === 0) return '';
  const lines = routing.matches.slice(0, MAX_MATCHES).map(
    (m) => `• ${mrkdwn(m.document, 120)} (score ${m.score.toFixed(2)}) → ${m.groups.map((g) => mrkdwn(g, 80)).join(', ')}`,
  );
  return `\n*Knowledge matches:*\n${joinLines(lines, 1000)}`;
}

/** "*Title*\n" followed by escaped free text, or by already-rendered lines, cut to fit one section. */
function titled(title: string, text: string | undefined, lines?: string[]): string {
  const head = `*${title}*\n`;
  const room = LIMITS.sectionText - head.length;
  if (lines) return `${head}${lines.length > 0 ? joinLines(lines, room) : '(nothing described)'}`;
  return `${head}${mrkdwn(text ?? '', room)}`;
}

function fallbackText(request: AccessRequest): string {
  const text = `Access request ${request.id}: ${request.requester} asks for ${request.toolName} for ${formatDuration(request.ttlSeconds)} (${statusPhrase(request)})`;
  return mrkdwn(text.replace(/\s+/g, ' '), LIMITS.fallbackText);
}
