import { FINAL_STATUSES } from '../lifecycle.js';
import { isJitError, publicReason } from '../errors.js';
import type { RequestStatus } from '../types.js';
import type { JitDeps } from './deps.js';
import { grantContext, removalTarget } from './grant-context.js';

/** What reconciliation found at the targets, by grant id. */
export interface ReconcileReport {
  /** Grant ids found at a target whose request is still open: as it should be. */
  active: string[];
  /** Grant ids found at a target whose request is over: left behind by a crash or a failure. */
  leftovers: { grantId: string; status: RequestStatus; removed: boolean; error?: string }[];
  /** Grant ids found at a target with no request in this store (another deployment's, or a lost database). */
  unknown: string[];
}

/**
 * Finds what providers still hold for requests that are over: the case expiry cannot see, because the
 * request is already closed (a crash between removing a hold and the access, an operator's manual edit).
 * With `fix`, each leftover is revoked through what its request was granted with, and audited. Grant ids
 * with no request are only reported: without the request there is nothing safe to revoke with.
 */
export async function reconcileGrants(deps: JitDeps, options: { providers: readonly string[]; fix: boolean }): Promise<ReconcileReport> {
  const report: ReconcileReport = { active: [], leftovers: [], unknown: [] };
  const found = new Set<string>();
  for (const name of options.providers) {
    const provider = await deps.providers.get(name);
    for (const id of (await provider.listGrantIds?.()) ?? []) found.add(id);
  }
  for (const grantId of [...found].sort()) {
    const request = await deps.store.get(grantId);
    if (!request) {
      report.unknown.push(grantId);
      continue;
    }
    if (!FINAL_STATUSES.includes(request.status)) {
      report.active.push(grantId);
      continue;
    }
    if (!options.fix) {
      report.leftovers.push({ grantId, status: request.status, removed: false });
      continue;
    }
    const target = removalTarget(request, deps.catalog);
    try {
      if (!target) throw new Error(`${request.toolName} is no longer configured`);
      await (await deps.providers.get(target.provider)).revoke(grantContext(request, target));
      await deps.store.appendAudit([{ requestId: grantId, type: 'leftover_removed', actor: 'kubiya-jit', at: deps.clock.now(), data: { status: request.status, provider: target.provider } }]);
      report.leftovers.push({ grantId, status: request.status, removed: true });
    } catch (err) {
      if (!isJitError(err)) deps.log.error('removing a leftover failed', { grantId, error: String(err) });
      report.leftovers.push({ grantId, status: request.status, removed: false, error: publicReason(err) });
    }
  }
  await recordReport(deps, options, report);
  return report;
}

/**
 * Writes what the run found as one `reconcile_reported` event, so a run that removed nothing (or found only
 * grants no request knows) is on the record too; analytics reports it. A failure to write is logged: the
 * report itself still reaches the operator.
 */
async function recordReport(deps: JitDeps, options: { providers: readonly string[]; fix: boolean }, report: ReconcileReport): Promise<void> {
  const ids = (list: string[]) => list.slice(0, 50);
  try {
    await deps.store.appendAudit([
      {
        requestId: null,
        type: 'reconcile_reported',
        actor: 'kubiya-jit',
        at: deps.clock.now(),
        data: {
          providers: [...options.providers],
          fix: options.fix,
          active: report.active.length,
          leftovers: report.leftovers.length,
          removed: report.leftovers.filter((l) => l.removed).length,
          unknown: report.unknown.length,
          leftover_ids: ids(report.leftovers.map((l) => l.grantId)),
          unknown_ids: ids(report.unknown),
        },
      },
    ]);
  } catch (err) {
    deps.log.error('recording the reconcile report failed', { error: String(err) });
  }
}
