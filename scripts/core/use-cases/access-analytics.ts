import { PermissionError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../identity.js';
import { parseWindow } from '../analytics/analytics-window.js';
import type { AnalyticsFilter, AnalyticsReport, AnalyticsSettings } from '../analytics/analytics-types.js';
import { computeAnalytics } from '../analytics/compute-analytics.js';
import { ANALYTICS_EVENT_TYPES, ASKED_TTL, EVENT_LOOKBACK_MS } from '../analytics/event-types.js';
import type { RequestStatus } from '../types.js';
import { isEligibleApprover } from './approvers.js';
import { checkAuditTail } from './check-audit-tail.js';
import type { JitDeps } from './deps.js';

/** What analytics is asked for, as typed on the command line or passed as tool arguments. */
export interface AnalyticsOptions {
  since?: string | undefined;
  until?: string | undefined;
  tool?: string | undefined;
  provider?: string | undefined;
  group?: string | undefined;
  /** Check the audit chain from its last checkpoint (the default); off only where the caller reports it elsewhere. */
  checkChain?: boolean;
}

const OPEN: readonly RequestStatus[] = ['approval_pending', 'granting', 'access_granted', 'ending'];

/**
 * Access analytics for a window: reads the requests and audit events the window needs through the store
 * port, checks the audit chain from its last checkpoint, and computes every figure. Writes nothing but the
 * new checkpoint of a chain found intact.
 */
export async function accessAnalytics(deps: Pick<JitDeps, 'store' | 'clock'>, settings: AnalyticsSettings, options: AnalyticsOptions): Promise<AnalyticsReport> {
  const now = deps.clock.now();
  const window = parseWindow(options, now);
  const filter = parseFilter(options);
  const eventsFrom = window.from - EVENT_LOOKBACK_MS;
  const [overlapping, open, events, askedTtls] = await Promise.all([
    deps.store.requestsOverlapping(window.from, window.to),
    // "Now" figures (active grants, pending) also count open requests created after an --until in the past;
    // up to now, the overlapping requests already include every open one.
    window.to < now ? deps.store.list({ statuses: OPEN, limit: Number.MAX_SAFE_INTEGER }) : [],
    deps.store.auditEventsBetween(eventsFrom, window.to, ANALYTICS_EVENT_TYPES),
    deps.store.auditEventsBetween(eventsFrom, window.to, [ASKED_TTL.type], { withDataKey: ASKED_TTL.dataKey }),
  ]);
  const requests = [...overlapping, ...open];
  const chain = options.checkChain === false ? undefined : await checkAuditTail(deps, requests);
  // One list in chain order, as the figures expect.
  const all = askedTtls.length === 0 ? events : [...events, ...askedTtls].sort((a, b) => a.seq - b.seq);
  return computeAnalytics({ window, now, filter, settings, requests, events: all, chain });
}

function parseFilter(options: AnalyticsOptions): AnalyticsFilter {
  const filter: AnalyticsFilter = {};
  for (const key of ['tool', 'provider', 'group'] as const) {
    const value = options[key]?.trim();
    if (!value) continue;
    if (value.length > 200 || [...value].some((c) => c < ' ' || c === '\u007f')) {
      throw new ValidationError('analytics.invalid_filter', `--${key} must be a ${key} name of at most 200 printable characters.`);
    }
    filter[key] = value;
  }
  return filter;
}

/**
 * Access analytics for a person through the Kubiya tool: only an ACTIVE member of an approver group may see
 * it (the figures name requesters and approvers across every tool). The groups are every group that can
 * approve anything: the defaults, the catalog's explicit mappings and the knowledge allowlist.
 */
export async function analyticsForApprover(
  deps: Pick<JitDeps, 'store' | 'clock' | 'directory' | 'catalog' | 'policy'>,
  settings: AnalyticsSettings,
  actorEmail: string | undefined,
  options: AnalyticsOptions,
): Promise<AnalyticsReport> {
  const actor = normaliseEmail(actorEmail, 'KUBIYA_USER_EMAIL (the person running the tool)');
  const groups = new Set([...deps.policy.defaultApproverGroups, ...deps.policy.knowledgeGroupAllowlist, ...deps.catalog.list().flatMap((e) => e.approverGroups ?? [])]);
  if (!(await isEligibleApprover(deps, actor, [...groups]))) {
    throw new PermissionError('analytics.not_an_approver', `Access analytics is for approvers: ${actor} is not an active member of an approver group (${[...groups].slice(0, 5).join(', ') || 'none configured'}).`);
  }
  return accessAnalytics(deps, settings, options);
}
