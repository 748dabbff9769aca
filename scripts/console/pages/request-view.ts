import { describeRequest } from '../../core/use-cases/queries.js';
import type { AuditEvent } from '../../core/types.js';
import { requestJson } from '../../handlers/format.js';
import { approvalsCard } from './approvals-card.js';
import { duration, params, requestActions, statusBadge, timeLeft, when, type RequestView } from './components.js';
import { h } from './html.js';
import type { View } from './view.js';

const EVENT_WORDS: Record<string, string> = {
  request_created: 'asked for access',
  approvers_routed: 'routed to approvers',
  approvers_notified: 'posted to the approvers',
  approval_recorded: 'approved (more approvals needed)',
  approval_withdrawn: 'approval withdrawn',
  request_approved: 'approved',
  request_rejected: 'rejected',
  request_cancelled: 'cancelled',
  decision_refused: 'tried to decide and was refused',
  access_granted: 'access granted',
  revocation_started: 'revocation started',
};

function eventLine(event: AuditEvent) {
  const data = Object.keys(event.data).length ? JSON.stringify(event.data) : '';
  return h`<li data-event="${event.type}"><strong>${EVENT_WORDS[event.type] ?? event.type.replace(/_/g, ' ')}</strong> <span class="muted">by ${event.actor}</span>
    <div class="small muted">${when(new Date(event.at).toISOString())} · #${event.seq}</div>${data ? h`<pre class="small">${data}</pre>` : h``}</li>`;
}

/**
 * One request: its state and actions, what the approvers saw (the rendered grant, why these approvers), what
 * was granted where, and its timeline from the audit log. For the people involved only (the use case refuses
 * anyone else, as `describe_access_request` does).
 */
export const requestView: View = {
  name: 'request',
  async render({ ctx, page, query }) {
    const { request, events } = await describeRequest({ store: ctx.store(), directory: ctx.directory() }, { requestId: query.id, actorEmail: page.email });
    const r = requestJson(request) as unknown as RequestView;
    const back = `/requests/${encodeURIComponent(r.request_id)}`;
    const granted = request.grantedWith ?? (request.status === 'access_granted' ? { provider: request.preview.provider, settings: {} } : undefined);
    const body = h`<h1>${r.tool_name} <span class="muted small">${r.request_id}</span></h1>
      <div class="card"><div>${statusBadge(r.status)} <span data-testid="time-left">${timeLeft(r)}</span></div>
        <p><strong>For</strong> ${r.requester}${r.requested_by !== r.requester ? h` (asked by ${r.requested_by})` : h``} · <strong>Duration</strong> ${duration(r.ttl_seconds)}</p>
        <p><strong>Justification</strong> <span data-testid="justification">${r.justification}</span></p>
        ${params(r) ? h`<p><strong>Parameters</strong> <code>${params(r)}</code></p>` : h``}
        ${r.decided_by ? h`<p><strong>Decided by</strong> ${r.decided_by} at ${when(r.decided_at)}</p>` : h``}
        ${r.end_reason ? h`<p><strong>Reason</strong> ${r.end_reason}</p>` : h``}
        ${r.last_error ? h`<p class="error">Removal failing (retrying): ${r.last_error}</p>` : h``}
        <div>${requestActions(page, r, back)}</div></div>
      ${approvalsCard(r)}
      <div class="grid">
        <div class="card"><h2>What the approvers saw</h2>
          <ul>${r.will_grant.map((line) => h`<li>${line}</li>`)}</ul>
          <p><strong>Approvers</strong> ${r.approvers.join(', ')} <span class="muted">(${r.approver_groups.join(', ')})</span></p>
          <p class="small"><strong>Why these approvers</strong> ${r.routing.explanation}</p>
          ${Object.keys(request.preview.documents).length ? h`<details><summary>Documents to be written</summary><pre>${JSON.stringify(request.preview.documents, null, 2)}</pre></details>` : h``}</div>
        <div class="card"><h2>What was granted where</h2>
          ${granted
            ? h`<p><strong>Provider</strong> ${granted.provider}</p>${Object.keys(granted.settings).length ? h`<pre>${JSON.stringify(granted.settings, null, 2)}</pre>` : h``}
               <p><strong>From</strong> ${when(r.granted_at)} <strong>until</strong> ${when(r.expires_at)}</p>${r.ended_at ? h`<p><strong>Ended</strong> ${when(r.ended_at)}</p>` : h``}`
            : h`<p class="muted">Nothing has been granted${r.status === 'approval_pending' ? ' yet' : ''}.</p>`}</div>
      </div>
      <h2>Timeline (audit log)</h2><div class="card"><ol class="timeline" data-testid="timeline">${events.map(eventLine)}</ol></div>`;
    return { title: `${r.tool_name} ${r.request_id}`, body };
  },
};
