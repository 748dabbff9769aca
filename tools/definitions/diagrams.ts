/**
 * Mermaid diagrams shown beside the tools in Kubiya: the whole request lifecycle for the tools that drive
 * it, and a small picture for the others.
 */

/** The request lifecycle of DESIGN.md, with the tool or event behind each move. */
export const LIFECYCLE_DIAGRAM = [
  'stateDiagram-v2',
  '    [*] --> approval_pending: request_tool_access (validated, approvers told in Slack)',
  '    approval_pending --> granting: approve_tool_access_request (approve)',
  '    approval_pending --> access_denied: approve_tool_access_request (reject)',
  '    approval_pending --> cancelled: cancel_access_request',
  '    approval_pending --> timed_out: no decision in time',
  '    granting --> access_granted: access written, requester told',
  '    granting --> failed: grant failed',
  '    access_granted --> ending: TTL reached or revoke_access',
  '    ending --> access_expired: TTL',
  '    ending --> revoked: revoke_access',
  '    access_denied --> [*]',
  '    cancelled --> [*]',
  '    timed_out --> [*]',
  '    failed --> [*]',
  '    access_expired --> [*]',
  '    revoked --> [*]',
].join('\n');

/** A read-only look at the request store: who asks, what they get back. */
export function readDiagram(tool: string, answer: string): string {
  return ['flowchart LR', `    caller([Teammate]) -->|${tool}| store[(Requests)]`, `    store -->|${answer}| caller`].join('\n');
}

/** An early end of access: the grant is removed everywhere, the request moves on, the requester is told. */
export const REVOKE_DIAGRAM = [
  'flowchart LR',
  '    who([Requester or approver]) -->|revoke| grant[access_granted]',
  '    grant --> ending[ending: remove from providers and Enforcer]',
  '    ending --> revoked[revoked]',
  '    revoked --> dm([Requester told in Slack])',
].join('\n');

/** A pending request withdrawn by the person who asked. */
export const CANCEL_DIAGRAM = [
  'flowchart LR',
  '    requester([Requester]) -->|cancel| pending[approval_pending]',
  '    pending --> cancelled[cancelled]',
  '    cancelled --> slack([Approvers message updated])',
].join('\n');

/** The expiry sweep: every grant past its TTL ends; failures are kept for retry. */
export const SWEEP_DIAGRAM = [
  'flowchart LR',
  '    sweep([sweep]) --> due{expires_at passed?}',
  '    due -->|yes| ending[ending: remove access]',
  '    ending -->|ok| expired[access_expired, requester told]',
  '    ending -->|error| retry[retry later with backoff]',
  '    due -->|no| keep[left as is]',
].join('\n');
