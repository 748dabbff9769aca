/// <reference lib="dom" />
/**
 * The console's only script, served as a file under the Content-Security-Policy's nonce (no inline script
 * anywhere): live updates over Server-Sent Events, the time-left counters, and the approvers dry run on the
 * Request page. Everything it puts on the page from data is set as text, never as markup, except the live
 * region, whose markup the server rendered (escaped) for this person.
 */

function tick(): void {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-expires]'))) {
    const left = Date.parse(el.dataset.expires ?? '') - Date.now();
    if (Number.isNaN(left)) continue;
    if (left <= 0) {
      el.textContent = 'ending now';
      continue;
    }
    const s = Math.floor(left / 1000);
    const parts = [Math.floor(s / 3600) && `${Math.floor(s / 3600)}h`, Math.floor((s % 3600) / 60) && `${Math.floor((s % 3600) / 60)}m`, `${s % 60}s`];
    el.textContent = `${parts.filter(Boolean).join(' ')} left`;
  }
}

function live(): void {
  const region = document.getElementById('live');
  const url = region?.dataset.liveUrl;
  if (!region || !url) return;
  const source = new EventSource(url);
  source.addEventListener('update', (event) => {
    const data = JSON.parse((event as MessageEvent<string>).data) as { html: string };
    region.innerHTML = data.html;
    region.dataset.updated = String(Number(region.dataset.updated ?? '0') + 1);
    tick();
  });
}

function collectParams(form: HTMLFormElement): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const el of Array.from(form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[name^="param."]'))) {
    const name = el.name.slice('param.'.length);
    if (el instanceof HTMLInputElement && el.type === 'checkbox') params[name] = el.checked;
    else if (el.value !== '') params[name] = el.dataset.type === 'number' ? Number(el.value) : el.value;
  }
  return params;
}

function approversPreview(): void {
  const form = document.querySelector<HTMLFormElement>('form[data-preview]');
  const out = document.getElementById('approvers-preview');
  const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
  if (!form || !out) return;
  let timer: number | undefined;
  const refresh = async () => {
    const body = {
      tool_name: (form.elements.namedItem('tool_name') as HTMLInputElement).value,
      tool_params: collectParams(form),
      justification: (form.elements.namedItem('justification') as HTMLTextAreaElement).value,
    };
    const response = await fetch('/api/v1/approvers/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
    });
    const data = (await response.json()) as { ok: boolean; approvers?: string[]; routing?: { explanation: string; groups: string[] }; message?: string };
    out.replaceChildren();
    const line = (text: string) => {
      const p = document.createElement('p');
      p.textContent = text;
      out.append(p);
    };
    if (!data.ok) line(data.message ?? 'No preview.');
    else {
      line(`Approvers: ${(data.approvers ?? []).join(', ')} (groups: ${(data.routing?.groups ?? []).join(', ')})`);
      line(`Why: ${data.routing?.explanation ?? ''}`);
    }
  };
  form.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void refresh(), 400);
  });
}

tick();
window.setInterval(tick, 1000);
live();
approversPreview();
