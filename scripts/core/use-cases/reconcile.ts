import { FINAL_STATUSES } from '../lifecycle.js';
import { isJitError, publicReason } from '../errors.js';
import type { AccessProvider, TargetFinding } from '../ports.js';
import type { AccessRequest, RequestStatus } from '../types.js';
import type { JitDeps } from './deps.js';
import { revokeGranted } from './end-access.js';
import { removalTarget } from './grant-context.js';

/** What reconciliation found at the targets, by grant id. */
export interface ReconcileReport {
  /** Grant ids found at a target whose request is still open: as it should be. */
  active: string[];
  /** Grant ids found at a target whose request is over: left behind by a crash or a failure. */
  leftovers: { grantId: string; status: RequestStatus; removed: boolean; error?: string }[];
  /** Grant ids (or the keys targets hold) with no request in this store (another deployment's, or a lost database). */
  unknown: string[];
  /** What providers found that no single grant names (session denies, attachments no live hold accounts for). */
  findings: (TargetFinding & { provider: string })[];
}

/** At most this many stored requests are matched against keys a target holds (a hash in a statement id). */
const MATCH_LIMIT = 1_000_000;

/**
 * Finds what providers still hold for requests that are over: the case expiry cannot see, because the
 * request is already closed (a crash, an operator's manual edit). With `fix`, each leftover is revoked through
 * what its request was granted with, and audited. Grant ids with no request are only reported: without the
 * request there is nothing safe to revoke with. Providers also report what no grant id names (session denies
 * past their end are leftovers and removed with `fix`; attachments with no live hold are only reported).
 */
export async function reconcileGrants(deps: JitDeps, options: { providers: readonly string[]; fix: boolean }): Promise<ReconcileReport> {
  const report: ReconcileReport = { active: [], leftovers: [], unknown: [], findings: [] };
  const found = new Map<string, string | undefined>();
  let requests: AccessRequest[] | undefined;
  for (const name of options.providers) {
    const provider = await deps.providers.get(name);
    const keys = (await provider.listGrantIds?.()) ?? [];
    const byKey = provider.grantKey && keys.length > 0 ? await keysToIds(provider, (requests ??= await deps.store.list({ limit: MATCH_LIMIT }))) : undefined;
    for (const key of keys) found.set(byKey?.get(key) ?? key, byKey ? byKey.get(key) : key);
    const entries = deps.catalog.list().filter((entry) => entry.provider === name).map((entry) => entry.settings);
    for (const finding of (await provider.inspect?.({ fix: options.fix, now: deps.clock.now(), entries })) ?? []) {
      // Two providers can report the same IAM object (holds of older versions); list it once.
      if (!report.findings.some((f) => f.what === finding.what)) report.findings.push({ ...finding, provider: name });
    }
  }
  for (const [key, grantId] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    const request = grantId === undefined ? undefined : await deps.store.get(grantId);
    if (!request) {
      report.unknown.push(key);
      continue;
    }
    if (!FINAL_STATUSES.includes(request.status)) {
      report.active.push(request.id);
      continue;
    }
    report.leftovers.push(options.fix ? await removeLeftover(deps, request) : { grantId: request.id, status: request.status, removed: false });
  }
  await recordReport(deps, options, report);
  return report;
}

/** The grant id behind each key the provider reports, for the stored requests it could belong to. */
async function keysToIds(provider: AccessProvider, requests: AccessRequest[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const request of requests) map.set(provider.grantKey!(request.id), request.id);
  return map;
}

async function removeLeftover(deps: JitDeps, request: AccessRequest): Promise<ReconcileReport['leftovers'][number]> {
  const target = removalTarget(request, deps.catalog);
  try {
    // The same removal as expiry's: what the request recorded at approval, principal and address included.
    await revokeGranted(deps, request);
    await deps.store.appendAudit([{ requestId: request.id, type: 'leftover_removed', actor: 'kubiya-jit', at: deps.clock.now(), data: { status: request.status, provider: target!.provider } }]);
    return { grantId: request.id, status: request.status, removed: true };
  } catch (err) {
    if (!isJitError(err)) deps.log.error('removing a leftover failed', { grantId: request.id, error: String(err) });
    return { grantId: request.id, status: request.status, removed: false, error: publicReason(err) };
  }
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
          findings: report.findings.length,
          leftover_ids: ids(report.leftovers.map((l) => l.grantId)),
          unknown_ids: ids(report.unknown),
        },
      },
    ]);
  } catch (err) {
    deps.log.error('recording the reconcile report failed', { error: String(err) });
  }
}
