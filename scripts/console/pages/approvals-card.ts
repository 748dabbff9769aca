import type { RequestView } from './components.js';
import { when } from './components.js';
import { h, type SafeHtml } from './html.js';

/**
 * The request's approvals, one line per requirement (one per owning group, or `approvals.required` people):
 * met and by whom, or waiting and for how many more. What the approvers' Slack message shows, from the same
 * `approvals` field the API returns.
 */
export function approvalsCard(r: RequestView): SafeHtml {
  const several = r.approvals.length > 1 || r.approvals.some((a) => a.required > 1);
  const intro = several
    ? h`<p class="small muted">Every line must be approved before access is granted; one rejection rejects the request.</p>`
    : h``;
  return h`<div class="card"><h2>Approvals</h2>${intro}<ul class="approvals" data-testid="approvals">${r.approvals.map(requirementLine)}</ul></div>`;
}

function requirementLine(a: RequestView['approvals'][number]): SafeHtml {
  const targets = a.targets.length ? h` <span class="muted">for ${a.targets.join(', ')}</span>` : h``;
  const who = a.approved_by.map((b) => h`<span data-approver="${b.approver}">${b.approver}</span> <span class="small muted">(${when(b.at)})</span>`);
  const by = joined(who);
  const state = a.met
    ? h`<span class="met" data-testid="requirement-state">approved</span> by ${by}`
    : h`<span class="waiting" data-testid="requirement-state">waiting</span> for ${a.missing === 1 ? 'one more approval' : `${a.missing} more approvals`}${a.required > 1 ? ` (${a.approved_by.length} of ${a.required})` : ''}${a.approved_by.length ? h`; approved so far by ${by}` : h``}`;
  return h`<li data-requirement="${a.requirement}" data-met="${String(a.met)}"><strong>${a.requirement}</strong>${targets}: ${state}</li>`;
}

/** "a, b" as safe HTML. */
function joined(parts: SafeHtml[]): SafeHtml {
  return h`${parts.map((part, i) => (i === 0 ? part : h`, ${part}`))}`;
}
