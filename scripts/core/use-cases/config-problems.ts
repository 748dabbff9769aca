import { createHash } from 'node:crypto';
import type { JitDeps } from './deps.js';

/**
 * Reports config errors found while ending grants, loudly but without stopping anything: each goes to the
 * operator log, and (when the approvers' channel is configured) to the channel through the outbox, at most
 * once a day per distinct error, so a worker sweeping every few seconds does not flood it.
 */
export async function reportConfigProblems(deps: JitDeps, problems: readonly string[]): Promise<void> {
  if (problems.length === 0) return;
  for (const problem of problems) deps.log.error('config error during expiry; grants keep ending with what each recorded', { problem });
  const configured = await Promise.resolve(deps.notifier.ready?.()).then(
    () => true,
    () => false,
  );
  if (!configured) return;
  const now = deps.clock.now();
  const day = new Date(now).toISOString().slice(0, 10);
  await deps.store.enqueue(
    problems.map((problem) => ({
      requestId: null,
      kind: 'channel_alert' as const,
      data: {
        text: `The kubiya-jit config cannot be used: ${problem.slice(0, 1500)}\nGrants keep ending on time, each removed with the settings it was granted with; new requests and approvals fail until the config is fixed.`,
      },
      at: now,
      dedupeKey: `config:${createHash('sha256').update(problem).digest('hex').slice(0, 32)}:${day}`,
    })),
  );
}
