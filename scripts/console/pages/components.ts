import { h, type SafeHtml } from './html.js';
import { csrfField, type PageContext } from './layout.js';

/** A request as the handlers' JSON gives it (`requestJson`): the pages render exactly what the API returns. */
export interface RequestView {
  request_id: string;
  status: string;
  tool_name: string;
  tool_params: Record<string, unknown>;
  requester: string;
  requested_by: string;
  justification: string;
  ttl_seconds: number;
  approver_groups: string[];
  approvers: string[];
  routing: { source: string; groups: string[]; explanation: string };
  /** Each approval the request needs: met or waiting, by whom, and how many more (see `approvalsJson`). */
  approvals: { requirement: string; groups: string[]; required: number; targets: string[]; met: boolean; missing: number; approved_by: { approver: string; at: string | null }[] }[];
  will_grant: string[];
  created_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  granted_at: string | null;
  expires_at: string | null;
  ended_at: string | null;
  end_reason: string | null;
  last_error: string | null;
}

/** A status as a coloured label. */
export function statusBadge(status: string): SafeHtml {
  return h`<span class="status ${status}" data-testid="status">${status.replace(/_/g, ' ')}</span>`;
}

/** "1h 30m" from seconds. */
export function duration(seconds: number): string {
  const parts = [Math.floor(seconds / 86400) && `${Math.floor(seconds / 86400)}d`, Math.floor((seconds % 86400) / 3600) && `${Math.floor((seconds % 86400) / 3600)}h`, Math.floor((seconds % 3600) / 60) && `${Math.floor((seconds % 3600) / 60)}m`];
  return parts.filter(Boolean).join(' ') || `${seconds}s`;
}

/** A short, readable instant (UTC). */
export function when(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC').replace(/Z$/, ' UTC') : '';
}

/** Time left of an active grant; the script counts it down. */
export function timeLeft(r: RequestView): SafeHtml {
  if (r.status !== 'access_granted' || !r.expires_at) return h``;
  return h`<time data-expires="${r.expires_at}" datetime="${r.expires_at}">until ${when(r.expires_at)}</time>`;
}

/** The parameters as compact JSON text (shown as text, whatever they contain). */
export function params(r: RequestView): string {
  return Object.keys(r.tool_params).length ? JSON.stringify(r.tool_params) : '';
}

/** A POST form with the CSRF token, returning to `back` afterwards. */
export function actionForm(page: PageContext, action: string, back: string, fields: SafeHtml, button: SafeHtml): SafeHtml {
  return h`<form method="post" action="${action}" class="inline">${csrfField(page)}<input type="hidden" name="next" value="${back}">${fields}${button}</form>`;
}

/** The actions this person may try on a request (the use case decides whether they may). */
export function requestActions(page: PageContext, r: RequestView, back: string): SafeHtml {
  const id = encodeURIComponent(r.request_id);
  const mine = r.requester === page.email || r.requested_by === page.email;
  const approver = r.approvers.includes(page.email ?? '') && !mine;
  // One person's approval counts once: who has approved is not offered the button again.
  const approved = r.approvals.some((a) => a.approved_by.some((b) => b.approver === page.email));
  const forms: SafeHtml[] = [];
  if (r.status === 'approval_pending' && approver) {
    forms.push(
      ...(approved ? [] : [actionForm(page, `/requests/${id}/approve`, back, h`<input type="text" name="ttl" placeholder="TTL override (e.g. 30m)" aria-label="TTL override">`, h`<button type="submit" data-testid="approve">Approve</button>`)]),
      actionForm(page, `/requests/${id}/reject`, back, h`<input type="text" name="reason" placeholder="Reason" aria-label="Reason">`, h`<button type="submit" class="danger" data-testid="reject">Reject</button>`),
    );
  }
  if (r.status === 'approval_pending' && mine) {
    forms.push(actionForm(page, `/requests/${id}/cancel`, back, h``, h`<button type="submit" class="secondary" data-testid="cancel">Cancel request</button>`));
  }
  if (r.status === 'access_granted' && (mine || approver)) {
    forms.push(
      actionForm(page, `/requests/${id}/revoke`, back, h`<input type="text" name="reason" placeholder="${mine ? "I'm done" : 'Reason'}" aria-label="Reason">`, h`<button type="submit" class="danger" data-testid="revoke">${mine ? "I'm done: revoke" : 'Revoke'}</button>`),
    );
  }
  return h`${forms}`;
}

/** A table of requests with their actions. */
export function requestTable(page: PageContext, requests: RequestView[], back: string, empty: string): SafeHtml {
  if (requests.length === 0) return h`<p class="muted" data-testid="empty">${empty}</p>`;
  return h`<table data-testid="requests"><thead><tr><th>Request</th><th>For</th><th>Why</th><th>Status</th><th></th></tr></thead><tbody>
    ${requests.map(
      (r) => h`<tr data-request="${r.request_id}"><td><a href="/requests/${encodeURIComponent(r.request_id)}">${r.tool_name}</a> <span class="small muted">${params(r)}</span><div class="small muted">${r.request_id} · ${duration(r.ttl_seconds)}</div></td>
        <td>${r.requester}</td><td class="small">${r.justification}</td>
        <td>${statusBadge(r.status)}<div class="small">${timeLeft(r)}</div></td><td>${requestActions(page, r, back)}</td></tr>`,
    )}</tbody></table>`;
}
