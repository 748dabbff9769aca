import { forEachBounded } from '../bounded.js';
import { publicReason } from '../errors.js';
import type { OutboxMessage, OutboxOutcome, RequesterNotice } from '../ports.js';
import { notificationRetryDelayMs, retryHint } from '../retry-schedule.js';
import { ownerOf, type JitDeps } from './deps.js';

/** What one drain of the outbox did. */
export interface DeliveryReport {
  sent: number;
  /** Failed this time; each will be tried again after its backoff. */
  retrying: number;
  /** Given up after `expiry.notify_attempts` failures (logged and audited). */
  abandoned: number;
}

/**
 * How long a sender holds a claimed message. Longer than the few short Slack calls one message takes (each
 * with its own timeout), so a slow send is not sent twice; short enough that a crashed sender's messages go
 * out again within a minute.
 */
const CLAIM_MS = 60_000;

/**
 * Sends due notifications from the outbox: approvers' message updates, requester DMs, alerts. Each runs after
 * the change it announces was stored, with the notifier's short timeouts; a failure is retried later with
 * backoff (Slack's `Retry-After` honoured) and given up after a bound. Nothing here ever holds up a removal:
 * sweeps call it after their removals, the worker in a lane of its own.
 */
export async function deliverOutbox(deps: JitDeps, options: { limit: number; concurrency?: number }): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retrying: 0, abandoned: 0 };
  const owner = ownerOf(deps);
  const now = deps.clock.now();
  const messages = await deps.store.claimOutbox(now, owner, now + CLAIM_MS, options.limit);
  await forEachBounded(messages, options.concurrency ?? 4, async (message) => {
    const outcome = await attempt(deps, message);
    report[outcome.state === 'sent' ? 'sent' : outcome.state === 'retry' ? 'retrying' : 'abandoned'] += 1;
    await deps.store.settleOutbox(message.id, owner, outcome, deps.clock.now());
  });
  return report;
}

async function attempt(deps: JitDeps, message: OutboxMessage): Promise<OutboxOutcome> {
  try {
    await send(deps, message);
    return { state: 'sent' };
  } catch (err) {
    const attempts = message.attempts + 1;
    const error = publicReason(err).slice(0, 500);
    const fields = { requestId: message.requestId, kind: message.kind, attempts, error: String(err) };
    if (attempts >= deps.policy.notifyAttempts) {
      deps.log.error('notification given up', fields);
      if (message.requestId) {
        await deps.store
          .appendAudit([{ requestId: message.requestId, type: 'notification_abandoned', actor: 'kubiya-jit', at: deps.clock.now(), data: { kind: message.kind, attempts, error } }])
          .catch((auditErr: unknown) => deps.log.error('auditing an abandoned notification failed', { error: String(auditErr) }));
      }
      return { state: 'abandoned', error };
    }
    deps.log.warn('sending a notification failed; will retry', fields);
    return { state: 'retry', error, nextAttemptAt: deps.clock.now() + notificationRetryDelayMs(attempts, retryHint(err)) };
  }
}

/** Sends one message, rendering the request as it is now; a message that no longer makes sense is dropped. */
async function send(deps: JitDeps, message: OutboxMessage): Promise<void> {
  const request = message.requestId ? await deps.store.get(message.requestId) : undefined;
  const text = typeof message.data.text === 'string' ? message.data.text : '';
  switch (message.kind) {
    case 'approval_update':
      if (request?.approvalMessage) await deps.notifier.updateApprovalRequest(request.approvalMessage, request);
      return;
    case 'requester_notice': {
      const notice = message.data.notice as RequesterNotice;
      // A warning delivered after the access ended would be wrong: the end notice says what happened.
      if (!request || (notice === 'expiring' && (request.status !== 'access_granted' || (request.expiresAt ?? 0) <= deps.clock.now()))) return;
      await deps.notifier.notifyRequester(request, notice);
      return;
    }
    case 'alert':
      if (request) await deps.notifier.alertApprovers(request, text);
      return;
    case 'channel_alert':
      await deps.notifier.alertChannel?.(text);
      return;
  }
}
