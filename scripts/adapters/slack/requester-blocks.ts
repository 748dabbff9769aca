/**
 * Renders the direct messages a requester receives: approved (until when), rejected (by whom, why),
 * expiring (when), expired, revoked (by whom, why), failed (why), timed out, and not posted (the approvers
 * were never asked, and what to do). Pure, and within Slack's limits whatever the input.
 */
import type { RequesterNotice } from '../../core/ports.js';
import { lingeringApprovalNotice } from '../../core/enforcer-lingering.js';
import type { AccessRequest } from '../../core/types.js';
import { context, section, type SlackMessage } from './block-kit.js';
import { inlineCode, isoUtc, mrkdwn } from './mrkdwn.js';

const REASON_MAX = 1000;

/** Renders the DM for one notice about the request. */
export function renderRequesterNotice(request: AccessRequest, notice: RequesterNotice): SlackMessage {
  const { headline, body } = wording(request, notice);
  const text = `${headline}${body ? `\n${body}` : ''}`;
  return {
    text: headline.replace(/\*/g, ''),
    blocks: [
      section(text, 'jit_notice'),
      context([`Request ${inlineCode(request.id)} · ${inlineCode(request.toolName)} · requested ${isoUtc(request.createdAt)}`]),
    ],
  };
}

function wording(request: AccessRequest, notice: RequesterNotice): { headline: string; body?: string } {
  const tool = inlineCode(request.toolName);
  const until = request.expiresAt !== undefined ? isoUtc(request.expiresAt) : 'the end of the approved time';
  const by = (person: string | undefined) => (person ? mrkdwn(person, 254) : 'an approver');
  switch (notice) {
    case 'approved':
      if (request.preview.recordOnly) {
        return {
          headline: `:white_check_mark: Your request for ${tool} was *approved* by ${by(request.decidedBy)}.`,
          body: `The approval is recorded until *${until}*. Nothing was written: no Enforcer is configured (enforcer.type is none), so kubiya-jit neither allows nor restricts runs of ${tool}.`,
        };
      }
      return {
        headline: `:white_check_mark: Your access to ${tool} was *approved* by ${by(request.decidedBy)}.`,
        body: `It lasts until *${until}*; it is removed automatically then.`,
      };
    case 'rejected':
      return {
        headline: `:no_entry: Your request for ${tool} was *rejected* by ${by(request.decidedBy)}.`,
        body: reasonLine(request.endReason) ?? 'No reason was given.',
      };
    case 'expiring':
      if (request.preview.recordOnly) return { headline: `:hourglass: The approval recorded for ${tool} *ends at ${until}*.`, body: 'Ask again if you need more time.' };
      return {
        headline: `:hourglass: Your access to ${tool} *expires at ${until}*.`,
        body: 'Save your work; ask again if you need more time.',
      };
    case 'expired':
      if (request.preview.recordOnly) return { headline: `:checkered_flag: The approval recorded for ${tool} has *ended*.`, body: 'Ask again if you still need it.' };
      return {
        headline: `:checkered_flag: Your access to ${tool} has *expired*${request.endedAt !== undefined ? ` (at ${isoUtc(request.endedAt)})` : ''}.`,
        body: 'Ask again if you still need it.',
      };
    case 'revoked': {
      const lingering = lingeringApprovalNotice(request);
      const lines = [reasonLine(request.endReason), lingering ? `:warning: ${mrkdwn(lingering, 600)}` : undefined].filter(Boolean);
      return {
        headline: `:lock: Your access to ${tool} was *revoked* by ${by(request.endedBy)}.`,
        body: lines.length ? lines.join('\n') : undefined,
      };
    }
    case 'failed':
      return {
        headline: `:x: Your request for ${tool} was approved, but *granting the access failed*.`,
        body: `${reasonLine(request.endReason) ?? ''}${request.endReason ? '\n' : ''}The approvers can see the failure; ask them or try again later.`,
      };
    case 'timed_out':
      return {
        headline: `:alarm_clock: Your request for ${tool} *timed out*: no approver decided in time.`,
        body: 'Nothing was granted. Ask again if you still need it, or contact an approver directly.',
      };
    case 'not_posted':
      return {
        headline: `:warning: Your request for ${tool} *could not be sent to the approvers*.`,
        body:
          'The approval message could not be posted in the approvers’ Slack channel, so nobody was asked and nothing was granted. ' +
          'Tell your platform team (the Slack app may have lost access to the approvers’ channel), then request again.',
      };
  }
}

function reasonLine(reason: string | undefined): string | undefined {
  return reason ? `*Reason:* ${mrkdwn(reason, REASON_MAX)}` : undefined;
}
