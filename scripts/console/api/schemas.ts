import { z } from 'zod';

// Response shapes of the HTTP API: what the handlers' `--output json` results are, described once here and
// rendered into the OpenAPI document. Objects are open (extra fields allowed) so a field added to the tools'
// JSON is not a breaking change for clients.

const time = z.string().describe('ISO 8601 instant, UTC, to the millisecond');
const nullableTime = time.nullable();

/** Why these approvers: the routing the request recorded. */
export const RoutingSchema = z.looseObject({
  source: z.enum(['mapping', 'knowledge', 'default', 'owner']).describe('owner: the owners of the targets (a namespace\'s owning groups)'),
  groups: z.array(z.string()),
  matches: z.array(z.looseObject({ document: z.string(), score: z.number(), groups: z.array(z.string()) })).optional(),
  explanation: z.string(),
});

/** One approval a request needs, and where it stands (`approvals` of a request). */
export const ApprovalStateSchema = z.looseObject({
  requirement: z.string().describe('Its label: the owning group(s), e.g. payments-owners, or "sre or platform"'),
  groups: z.array(z.string()).describe('An ACTIVE member of any of these may approve it'),
  required: z.number().int().describe('How many different people must approve it'),
  targets: z.array(z.string()).describe('The targets (namespaces) it stands for; empty for the whole request'),
  met: z.boolean(),
  missing: z.number().int().describe('How many more approvals it waits for (0 when met)'),
  approved_by: z.array(z.looseObject({ approver: z.string(), at: nullableTime, ttl_seconds: z.number().int().optional().describe('A shorter TTL this approver asked for') })),
});

/** One access request, as `describe_access_request --output json` gives it (without `ok`). */
export const RequestSchema = z.looseObject({
  request_id: z.string(),
  status: z.enum(['approval_pending', 'access_denied', 'cancelled', 'timed_out', 'granting', 'access_granted', 'failed', 'ending', 'access_expired', 'revoked']),
  tool_name: z.string(),
  tool_params: z.record(z.string(), z.unknown()),
  requester: z.string(),
  requested_by: z.string(),
  justification: z.string(),
  ttl_seconds: z.number().int(),
  approver_groups: z.array(z.string()),
  approvers: z.array(z.string()),
  routing: RoutingSchema,
  approvals: z.array(ApprovalStateSchema).describe('Every approval the request needs (one per owning group); it is granted once all are met, and one rejection rejects it'),
  will_grant: z.array(z.string()),
  created_at: nullableTime,
  decided_by: z.string().nullable(),
  decided_at: nullableTime,
  granted_at: nullableTime,
  expires_at: nullableTime,
  ended_at: nullableTime,
  end_reason: z.string().nullable(),
  last_error: z.string().nullable(),
});

const ok = { ok: z.boolean().describe('true when the call did what was asked (false: see the fields, e.g. a removal still retrying)') };

/** A request result (`ok` plus the request). */
export const RequestResultSchema = RequestSchema.extend(ok);

/** One audit event as shown with a request or exported. */
export const HistoryEventSchema = z.looseObject({ at: time, type: z.string(), actor: z.string(), data: z.record(z.string(), z.unknown()) });

/** A request with its audit trail. */
export const RequestDetailSchema = RequestResultSchema.extend({ history: z.array(HistoryEventSchema) });

/** A page of requests, newest first, paged as the listing tools page (limit, then next_cursor). */
export const RequestListSchema = z.looseObject({
  ...ok,
  requests: z.array(RequestSchema),
  total: z.number().int().describe('How many matched in all'),
  shown: z.number().int(),
  offset: z.number().int(),
  next_cursor: z.string().nullable().describe('Pass as `cursor` (with the same filters) for the next page; null on the last page'),
});

/** The approvers dry run. */
export const ApproversPreviewSchema = z.looseObject({
  ...ok,
  tool_name: z.string(),
  approvers: z.array(z.string()).describe('Everyone who could approve some part of it'),
  routing: RoutingSchema,
  requirements: z
    .array(
      z.looseObject({
        requirement: z.string().describe('Its label, e.g. payments-owners'),
        groups: z.array(z.string()),
        targets: z.array(z.string()).describe('The targets (namespaces) it stands for; empty for the whole request'),
        required: z.number().int().describe('How many different people of its groups must approve'),
        approvers: z.array(z.string()).describe('Who may approve it (the caller left out)'),
      }),
    )
    .describe('Each approval the request would need: one per owning group, every one before access is granted'),
});

/** One requestable entry of the catalog, with what a request for it must give. */
export const CatalogEntrySchema = z.looseObject({
  name: z.string(),
  description: z.string(),
  provider: z.string(),
  max_ttl_seconds: z.number().int(),
  default_ttl_seconds: z.number().int(),
  params_schema: z.unknown().describe('JSON Schema of tool_params'),
});

export const CatalogSchema = z.looseObject({ ...ok, entries: z.array(CatalogEntrySchema) });

/** One stored audit event, chained by hash. */
export const AuditEventSchema = z.looseObject({
  seq: z.number().int(),
  requestId: z.string().nullable(),
  type: z.string(),
  actor: z.string(),
  at: time,
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

export const AuditSearchSchema = z.looseObject({ ...ok, events: z.array(AuditEventSchema) });

/** `audit verify`: intact with its head hash, or where it was broken. */
export const AuditVerdictSchema = z.looseObject({
  ok: z.boolean(),
  events: z.number().int(),
  headHash: z.string().optional().describe('Hash of the last event; keep it elsewhere to detect a truncated log later'),
  problem: z.string().optional(),
  seq: z.number().int().optional(),
  requests: z.array(z.string()).optional(),
});

/** Who the credential acts as. */
export const WhoAmISchema = z.looseObject({ ...ok, email: z.string(), via: z.enum(['session', 'token']), expires_at: time });

/** Health: the process answers (live), and the store answers (ready). */
export const HealthSchema = z.looseObject({ ok: z.boolean(), status: z.string() });

/** A failure: the same `{ ok: false, code, message }` as the CLI's `--output json`. */
export const ErrorSchema = z.object({
  ok: z.literal(false),
  code: z.string().describe('Namespaced, stable code, e.g. request.invalid_ttl, approval.self_approval, auth.required'),
  message: z.string().describe('What was wrong and what to do, for a person'),
});

/** The analytics figures, as `access_analytics --output json` gives them. */
export const AnalyticsSchema = z.looseObject({ ...ok, usage: z.looseObject({}), patterns: z.looseObject({}), security: z.looseObject({}) });
