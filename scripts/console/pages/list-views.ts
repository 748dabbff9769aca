import { h } from './html.js';
import { requestTable, type RequestView } from './components.js';
import { param, toolJson, type View } from './view.js';

const STATUSES = ['approval_pending', 'granting', 'access_granted', 'ending', 'access_expired', 'revoked', 'access_denied', 'cancelled', 'timed_out', 'failed'];

/** My requests and active grants: status, time left, "I'm done" and cancel. */
export const myRequestsView: View = {
  name: 'mine',
  async render({ ctx, page, query }) {
    const status = param(query, 'status');
    const json = await toolJson(ctx, 'view_user_requests', { status });
    const requests = json.requests as RequestView[];
    const active = requests.filter((r) => r.status === 'access_granted' || r.status === 'ending' || r.status === 'granting');
    const back = '/requests/mine';
    const body = h`<h1>My requests</h1>
      <form method="get" action="/requests/mine" class="inline"><select name="status" aria-label="Status"><option value="">every status</option>${STATUSES.map((s) => h`<option value="${s}" ${s === status ? h`selected` : h``}>${s}</option>`)}</select><button class="secondary" type="submit">Filter</button></form>
      <h2>Active grants</h2>${requestTable(page, active, back, 'No access is active for you now.')}
      <h2>All my requests</h2>${requestTable(page, requests, back, 'You have no requests yet. Ask for access on the Request page.')}`;
    return { title: 'My requests', body };
  },
};

/** What waits for my decision, and the active grants I approve (which I may revoke). */
export const approvalsView: View = {
  name: 'approvals',
  async render({ ctx, page, query }) {
    const json = await toolJson(ctx, 'list_active_access_requests', { tool_name: param(query, 'tool_name') });
    const email = page.email ?? '';
    const theirs = (json.requests as RequestView[]).filter((r) => r.requester !== email && r.requested_by !== email);
    const pending = theirs.filter((r) => r.status === 'approval_pending');
    const active = theirs.filter((r) => r.status !== 'approval_pending');
    const back = '/approvals';
    const body = h`<h1>Approvals</h1>
      <p class="muted small">Requests you may decide. Approving grants the access at once; the TTL override must stay within the entry's maximum.</p>
      <h2>Waiting for a decision (${pending.length})</h2>
      <div data-testid="queue">${requestTable(page, pending, back, 'Nothing waits for your decision.')}</div>
      <h2>Active grants you approve</h2>${requestTable(page, active, back, 'None.')}`;
    return { title: 'Approvals', body };
  },
};
