/**
 * Writes a realistic access history into a store: requests spread over a window with the mix of outcomes a
 * busy deployment sees, each with the audit events the package writes for it, plus refusals, removal retries
 * and reconcile runs. Deterministic (a seeded generator), so the bench and the report's screenshot are
 * repeatable. Through the store port only, so any store adapter can be filled.
 */
import type { RequestStore } from '../core/ports.js';
import type { AccessRequest, NewAuditEvent, RequestStatus } from '../core/types.js';

/** What to generate. */
export interface HistoryOptions {
  requests: number;
  /** The window the requests are created in. */
  from: number;
  to: number;
  seed?: number;
}

const TOOLS = [
  { name: 'create_ec2', provider: 'enforcer', group: 'platform-approvers', params: () => ({ region: 'eu-west-1' }) },
  { name: 'request_read_only_access', provider: 'aws-iam-policy', group: 'security-approvers', params: () => ({}) },
  { name: 'jit_session_grant_database_access_to_staging', provider: 'aws-identity-center', group: 'data-approvers', params: () => ({}) },
  { name: 's3_grant_data_lake_read', provider: 'aws-s3', group: 'data-approvers', params: () => ({}) },
  { name: 'role_trust_grant_prod_deploy', provider: 'aws-role-trust', group: 'platform-approvers', params: () => ({}) },
] as const;
const APPROVERS = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'erin@example.com'];
// Outcome mix by weight: mostly approved and expired, some revoked early, the rest refused in one way or another.
const OUTCOMES: [RequestStatus, number][] = [
  ['access_expired', 68],
  ['revoked', 9],
  ['access_denied', 7],
  ['cancelled', 4],
  ['timed_out', 3],
  ['failed', 2],
  ['access_granted', 4],
  ['approval_pending', 3],
];

/** A small seeded generator (mulberry32): the same seed gives the same history. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `store` with the history; returns how many requests and events were written. */
export async function writeHistory(store: RequestStore, options: HistoryOptions): Promise<{ requests: number; events: number }> {
  const rand = random(options.seed ?? 7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const total = OUTCOMES.reduce((sum, [, weight]) => sum + weight, 0);
  const outcome = () => {
    let roll = rand() * total;
    for (const [status, weight] of OUTCOMES) if ((roll -= weight) < 0) return status;
    return 'access_expired' as RequestStatus;
  };
  let events = 0;
  // Whole UTC days inside the window, so working hours fall where a person would work.
  const base = Math.ceil(options.from / 86_400_000) * 86_400_000;
  const span = Math.max(86_400_000, options.to - base);
  for (let i = 0; i < options.requests; i += 1) {
    // Busier on working days and hours: a person-shaped rhythm for the heat map.
    let day = Math.floor(rand() * (span / 86_400_000));
    // Mostly on working days: a weekend request is moved to the Monday after, four times in five.
    const weekday = new Date(base + day * 86_400_000).getUTCDay();
    if ((weekday === 0 || weekday === 6) && rand() < 0.8) day = Math.min(day + (weekday === 6 ? 2 : 1), Math.floor(span / 86_400_000) - 1);
    const hour = rand() < 0.85 ? 8 + Math.floor(rand() * 10) : Math.floor(rand() * 24);
    let createdAt = base + day * 86_400_000 + hour * 3_600_000 + Math.floor(rand() * 3_600_000);
    const status = outcome();
    // Pending requests are recent: older ones would have timed out.
    if (status === 'approval_pending') createdAt = options.to - Math.floor(rand() * 3_600_000);
    if (createdAt >= options.to) createdAt = options.to - 1;
    const tool = pick(TOOLS);
    const requester = rand() < 0.05 ? 'oncall@example.com' : `user${Math.floor(rand() * 400)}@example.com`;
    const [request, history] = lifecycle({ i, status, createdAt, tool, requester, approver: rand() < 0.45 ? APPROVERS[0]! : pick(APPROVERS), rand, to: options.to });
    await store.create(request, history);
    events += history.length;
  }
  events += await sideEvents(store, options, rand);
  return { requests: options.requests, events };
}

interface Shape {
  i: number;
  status: RequestStatus;
  createdAt: number;
  tool: (typeof TOOLS)[number];
  requester: string;
  approver: string;
  rand: () => number;
  /** The end of the window: grants still active expire after it. */
  to: number;
}

/** One request in its final (or current) state, with the events its life wrote. */
function lifecycle(s: Shape): [AccessRequest, NewAuditEvent[]] {
  const id = `req_${s.i.toString(16).padStart(16, '0')}`;
  const ttlSeconds = [1800, 3600, 3600, 7200, 14_400][Math.floor(s.rand() * 5)]!;
  const decidedAt = s.createdAt + Math.floor(s.rand() ** 3 * 3_600_000) + (s.rand() < 0.05 ? 8_000 : 45_000);
  const grantedAt = decidedAt + 400 + Math.floor(s.rand() * 2_000);
  const expiresAt = decidedAt + ttlSeconds * 1000;
  const events: NewAuditEvent[] = [];
  const event = (type: string, actor: string, at: number, data: NewAuditEvent['data'] = {}) => events.push({ requestId: id, type, actor, at, data });
  event('request_created', s.requester, s.createdAt, { tool: s.tool.name, params: s.tool.params(), requester: s.requester, ttl_seconds: ttlSeconds, justification: `Ticket OPS-${s.i}` });
  event('approvers_routed', 'kubiya-jit', s.createdAt, { source: 'mapping', groups: [s.tool.group] });
  event('approvers_notified', 'kubiya-jit', s.createdAt + 300, { channel: 'C0APPROVERS', ts: `${Math.floor(s.createdAt / 1000)}.000100` });
  const request: AccessRequest = {
    id,
    status: s.status,
    version: 1,
    toolName: s.tool.name,
    toolParams: s.tool.params(),
    requester: s.requester,
    requestedBy: s.requester,
    justification: `Ticket OPS-${s.i}: reproduce a customer issue`,
    ttlSeconds,
    approverGroups: [s.tool.group],
    approvers: APPROVERS,
    routing: { source: 'mapping', groups: [s.tool.group], explanation: `${s.tool.name} is mapped to ${s.tool.group} in the config` },
    preview: { provider: s.tool.provider, summary: [`${s.tool.provider}: ${s.tool.name} for ${s.requester}`], documents: {} },
    createdAt: s.createdAt,
    updatedAt: s.createdAt,
    endAttempts: 0,
    warned: false,
    alerted: false,
  };
  const finish = (patch: Partial<AccessRequest>) => Object.assign(request, patch, { updatedAt: patch.endedAt ?? patch.grantedAt ?? patch.decidedAt ?? s.createdAt });
  if (s.status === 'approval_pending') return [request, events];
  if (s.status === 'timed_out' || s.status === 'cancelled') {
    const endedAt = s.status === 'timed_out' ? s.createdAt + 86_400_000 : decidedAt;
    event(s.status === 'timed_out' ? 'request_timed_out' : 'request_cancelled', s.status === 'timed_out' ? 'kubiya-jit' : s.requester, endedAt);
    return [finish({ endedAt }), events];
  }
  if (s.status === 'access_denied') {
    event('request_rejected', s.approver, decidedAt);
    return [finish({ decidedBy: s.approver, decidedAt, endedAt: decidedAt }), events];
  }
  event('request_approved', s.approver, decidedAt, { ttl_seconds: ttlSeconds });
  const grant = { decidedBy: s.approver, decidedAt, expiresAt, grantedWith: { provider: s.tool.provider, settings: {} } };
  if (s.status === 'failed') {
    event('grant_failed', 'kubiya-jit', grantedAt, { provider: s.tool.provider, reason: 'AccessDenied' });
    return [finish({ ...grant, endedAt: grantedAt }), events];
  }
  event('access_granted', 'kubiya-jit', grantedAt, { provider: s.tool.provider });
  if (s.status === 'access_granted') return [finish({ ...grant, grantedAt, expiresAt: Math.max(expiresAt, s.to + 3_600_000) }), events];
  if (s.status === 'revoked') {
    const endedAt = grantedAt + Math.floor(s.rand() * (expiresAt - grantedAt));
    event('revocation_started', s.requester, endedAt - 500, { reason: 'done' });
    event('access_revoked', s.requester, endedAt);
    return [finish({ ...grant, grantedAt, endedAt, endKind: 'revoke' }), events];
  }
  // Expired: mostly removed within a second; now and then a removal had to be retried.
  const retried = s.rand() < 0.01;
  const endedAt = expiresAt + (retried ? 30_000 + Math.floor(s.rand() * 600_000) : Math.floor(s.rand() * 900));
  event('expiry_warning_sent', 'kubiya-jit', expiresAt - 600_000);
  event('expiry_started', 'kubiya-jit', expiresAt);
  if (retried) event('revocation_failed', 'kubiya-jit', expiresAt + 1_000, { attempts: 1, error: 'Throttling' });
  event('access_expired', 'kubiya-jit', endedAt, { attempts: retried ? 2 : 1 });
  return [finish({ ...grant, grantedAt, endedAt, endKind: 'expire', warned: true }), events];
}

/** Refused requests and decisions, and a daily reconcile run: events with no request row of their own. */
async function sideEvents(store: RequestStore, options: HistoryOptions, rand: () => number): Promise<number> {
  const events: NewAuditEvent[] = [];
  const at = () => options.from + Math.floor(rand() * (options.to - options.from));
  for (let i = 0; i < Math.ceil(options.requests / 200); i += 1) {
    events.push({ requestId: null, type: 'request_refused', actor: 'contractor@example.com', at: at(), data: { reason: 'requester_not_allowed', requester: 'contractor@example.com', tool: 'create_ec2', provider: 'enforcer' } });
  }
  for (let i = 0; i < Math.ceil(options.requests / 1000); i += 1) {
    events.push({ requestId: `req_${Math.floor(rand() * options.requests).toString(16).padStart(16, '0')}`, type: 'decision_refused', actor: 'user7@example.com', at: at(), data: { reason: 'self_approval' } });
  }
  for (let day = options.from; day < options.to; day += 86_400_000) {
    events.push({ requestId: null, type: 'reconcile_reported', actor: 'kubiya-jit', at: day + 3 * 3_600_000, data: { providers: ['aws-iam-policy'], fix: false, active: 3, leftovers: 0, removed: 0, unknown: 0 } });
  }
  events.sort((a, b) => a.at - b.at);
  await store.appendAudit(events);
  return events.length;
}
