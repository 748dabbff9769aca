import { searchAudit, verifyAudit } from '../../core/use-cases/audit-log.js';
import { when } from './components.js';
import { h } from './html.js';
import { param, type View } from './view.js';

/** Audit: search and filter the log, its `audit verify` verdict with the head hash, and the JSON Lines export. */
export const auditView: View = {
  name: 'audit',
  async render({ ctx, page, query, settings }) {
    const deps = await ctx.deps();
    const events = await searchAudit(deps, {
      actorEmail: page.email,
      auditorGroups: settings.auditorGroups,
      requestId: param(query, 'request_id'),
      type: param(query, 'type'),
      actor: param(query, 'actor'),
      text: param(query, 'q'),
      limit: 300,
    });
    const verdict = await verifyAudit(deps);
    const field = (name: string, label: string) => h`<label class="small" for="f-${name}">${label}</label><input type="text" id="f-${name}" name="${name}" value="${query[name] ?? ''}">`;
    const body = h`<h1>Audit</h1>
      <div class="card" data-testid="verify">${
        verdict.ok
          ? h`<div class="notice"><strong>Audit log intact</strong>: ${verdict.events} events, head hash <code data-testid="head-hash">${verdict.headHash}</code>. Keep the head hash elsewhere to detect a truncated log later.</div>`
          : h`<div class="error"><strong>Audit log TAMPERED</strong>: ${verdict.problem} (checked ${verdict.events} events).</div>`
      }<a href="/api/v1/audit/export" download="audit.jsonl" data-testid="export">Export JSON Lines</a></div>
      <form method="get" action="/audit" class="card"><div class="grid"><div>${field('request_id', 'Request id')}${field('type', 'Event type')}</div><div>${field('actor', 'Actor')}${field('q', 'Text in the data')}</div></div>
        <p><button type="submit" class="secondary">Search</button></p></form>
      <table data-testid="audit-events"><thead><tr><th>#</th><th>When</th><th>Event</th><th>Actor</th><th>Request</th><th>Data</th></tr></thead><tbody>
      ${events.reverse().map(
        (e) => h`<tr><td>${e.seq}</td><td class="small">${when(new Date(e.at).toISOString())}</td><td>${e.type}</td><td>${e.actor}</td>
          <td>${e.requestId ? h`<a href="/requests/${encodeURIComponent(e.requestId)}">${e.requestId}</a>` : h``}</td><td><code class="small">${JSON.stringify(e.data)}</code></td></tr>`,
      )}</tbody></table>`;
    return { title: 'Audit', body };
  },
};
