import type { CatalogEntry } from '../../core/catalog.js';
import { isJitError } from '../../core/errors.js';
import { previewApprovers } from '../../core/use-cases/preview-approvers.js';
import { duration } from './components.js';
import { h, type SafeHtml } from './html.js';
import { csrfField, type PageContext } from './layout.js';
import { param, type View } from './view.js';

type Prop = { type?: string; enum?: unknown[]; description?: string; default?: unknown };

/** One input per parameter of the entry's JSON Schema: a list for enums, a box for booleans, else a text field. */
function paramFields(entry: CatalogEntry, values: Record<string, string>): SafeHtml {
  const schema = (entry.paramsSchema ?? {}) as { properties?: Record<string, Prop>; required?: string[] };
  const required = new Set(schema.required ?? []);
  return h`${Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    const field = `param.${name}`;
    const label = h`<label for="${field}">${name}${required.has(name) ? ' *' : ''} <span class="muted small">${prop.description ?? ''}</span></label>`;
    if (Array.isArray(prop.enum)) {
      return h`${label}<select id="${field}" name="${field}" ${required.has(name) ? h`required` : h``}><option value="">—</option>${prop.enum.map((v) => h`<option value="${String(v)}" ${values[field] === String(v) ? h`selected` : h``}>${String(v)}</option>`)}</select>`;
    }
    if (prop.type === 'boolean') return h`<label class="check"><input type="checkbox" id="${field}" name="${field}" value="true"> ${name}</label>`;
    const numeric = prop.type === 'number' || prop.type === 'integer';
    return h`${label}<input type="${numeric ? 'number' : 'text'}" data-type="${numeric ? 'number' : 'string'}" id="${field}" name="${field}" value="${values[field] ?? ''}" ${required.has(name) ? h`required` : h``}>`;
  })}`;
}

async function preview(input: Parameters<View['render']>[0], entry: CatalogEntry): Promise<SafeHtml> {
  try {
    const { approvers, routing } = await previewApprovers(await input.ctx.deps(), { toolName: entry.name, toolParams: '{}', justification: '', requester: input.page.email });
    return h`<p>Approvers: ${approvers.join(', ')} (groups: ${routing.groups.join(', ')})</p><p>Why: ${routing.explanation}</p>`;
  } catch (err) {
    return h`<p>${isJitError(err) ? err.message : 'No preview now.'}</p>`;
  }
}

/** The Request page: pick an entry, fill in its parameters, TTL and justification, see who would approve. */
export function requestFormPage(error?: { message: string; values: Record<string, string> }): View {
  return {
    name: 'request-form',
    async render(input) {
      const { catalog } = await input.ctx.deps();
      const entries = catalog.list();
      const chosen = catalog.get(param(input.query, 'tool') ?? error?.values.tool_name ?? '');
      const values = error?.values ?? {};
      const list = h`<div class="card entries"><strong>Requestable:</strong> ${entries.map((e) => h`<a href="/request?tool=${encodeURIComponent(e.name)}" data-entry="${e.name}">${e.name}</a>`)}</div>`;
      if (!chosen) return { title: 'Request access', body: h`<h1>Request access</h1>${list}<p class="muted">Pick what you need.</p>` };
      const body = h`<h1>Request access</h1>${list}
        ${error ? h`<div class="error" data-testid="error">${error.message}</div>` : h``}
        <div class="grid"><form method="post" action="/request" class="card" data-preview id="request-form">${csrfField(input.page)}
          <h2>${chosen.name}</h2><p class="muted small">${chosen.description}</p>
          <input type="hidden" name="tool_name" value="${chosen.name}">
          ${paramFields(chosen, values)}
          <label for="ttl">How long <span class="muted small">(default ${duration(chosen.defaultTtlSeconds)}, at most ${duration(chosen.maxTtlSeconds)})</span></label>
          <input type="text" id="ttl" name="ttl" value="${values.ttl ?? ''}" placeholder="${duration(chosen.defaultTtlSeconds).replace(/ /g, '')}">
          <label for="justification">Why you need it *</label>
          <textarea id="justification" name="justification" required>${values.justification ?? ''}</textarea>
          <p><button type="submit" data-testid="send">Send request</button></p></form>
        <div class="card"><h2>Who would approve this, and why</h2><div id="approvers-preview" data-testid="approvers-preview">${await preview(input, chosen)}</div></div></div>`;
      return { title: 'Request access', body };
    },
  };
}

/** The entry's parameters from the form's `param.*` fields, typed by the schema, as JSON text for the use case. */
export function formParams(entry: CatalogEntry | undefined, form: Record<string, string>): string {
  const props = ((entry?.paramsSchema ?? {}) as { properties?: Record<string, Prop> }).properties ?? {};
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (!key.startsWith('param.') || value === '') continue;
    const name = key.slice('param.'.length);
    const type = props[name]?.type;
    result[name] = type === 'boolean' ? value === 'true' : (type === 'number' || type === 'integer') && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return JSON.stringify(result);
}

export type { PageContext };
