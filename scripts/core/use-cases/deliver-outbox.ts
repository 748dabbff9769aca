import { isJitError, publicReason } from '../errors.js';
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
  /** Set when the notifier did not answer (or rate-limited): the rest was left for later rather than tried now. */
  unreachable: boolean;
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
  const report: DeliveryReport = { sent: 0, retrying: 0, abandoned: 0, unreachable: false };
  const owner = ownerOf(deps);
  let claimed = 0;
  // Each lane claims one message at a time, so that once the notifier stops answering nobody claims more:
  // a Slack that hangs costs one call's timeout here, not one per message.
  const lane = async () => {
    while (!report.unreachable && claimed < options.limit) {
      claimed += 1;
      const now = deps.clock.now();
      const [message] = await deps.store.claimOutbox(now, owner, now + CLAIM_MS, 1);
      if (!message) return;
      const outcome = await attempt(deps, message, report);
      report[outcome.state === 'sent' ? 'sent' : outcome.state === 'retry' ? 'retrying' : 'abandoned'] += 1;
      await deps.store.settleOutbox(message.id, owner, outcome, deps.clock.now());
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, options.limit)) }, lane));
  return report;
}

async function attempt(deps: JitDeps, message: OutboxMessage, report: DeliveryReport): Promise<OutboxOutcome> {
  try {
    await send(deps, message);
    return { state: 'sent' };
  } catch (err) {
    const hint = retryHint(err);
    if (hint.throttled || (isJitError(err) && /unreachable|timed_out|http_error/.test(err.code))) report.unreachable = true;
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
    return { state: 'retry', error, nextAttemptAt: deps.clock.now() + notificationRetryDelayMs(attempts, hint) };
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
