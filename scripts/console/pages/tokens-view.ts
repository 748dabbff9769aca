import { listApiTokens } from '../../core/use-cases/credentials.js';
import { when } from './components.js';
import { h, type SafeHtml } from './html.js';
import { csrfField } from './layout.js';
import type { View } from './view.js';

/** Tokens: the person's own personal API tokens, a form to create one, and (once) a new token's secret. */
export function tokensView(created?: { secret: string; name: string; expiresAt: number }): View {
  return {
    name: 'tokens',
    async render({ ctx, page }) {
      const tokens = await listApiTokens({ store: ctx.store(), clock: ctx.clock }, page.email ?? '');
      const now = ctx.clock.now();
      const state = (t: (typeof tokens)[number]): SafeHtml =>
        t.revokedAt !== undefined ? h`revoked ${when(new Date(t.revokedAt).toISOString())}` : t.expiresAt <= now ? h`expired` : h`active`;
      const body = h`<h1>Personal API tokens</h1>
        <p class="muted small">A token acts as you, and only you, on the HTTP API (<a href="/api/v1/openapi.json">OpenAPI</a>): send it as <code>Authorization: Bearer kjit_…</code>. It is stored hashed and shown once.</p>
        ${created ? h`<div class="notice" data-testid="new-token"><p><strong>${created.name}</strong>, valid until ${when(new Date(created.expiresAt).toISOString())}. Copy it now: it will not be shown again.</p><div class="secret" data-testid="token-secret">${created.secret}</div></div>` : h``}
        <form method="post" action="/tokens" class="card">${csrfField(page)}
          <label for="token-name">Name</label><input type="text" id="token-name" name="name" placeholder="ci-pipeline" required maxlength="60">
          <label for="token-ttl">Expires in</label><input type="text" id="token-ttl" name="expires_in" value="30d">
          <p><button type="submit" data-testid="create-token">Create token</button></p></form>
        <table data-testid="tokens"><thead><tr><th>Name</th><th>Id</th><th>Created</th><th>Expires</th><th>Last used</th><th>State</th><th></th></tr></thead><tbody>
        ${tokens.map(
          (t) => h`<tr data-token="${t.id}"><td>${t.label}</td><td><code>${t.id}</code></td><td class="small">${when(new Date(t.createdAt).toISOString())}</td>
            <td class="small">${when(new Date(t.expiresAt).toISOString())}</td><td class="small">${when(new Date(t.lastUsedAt).toISOString())}</td><td>${state(t)}</td>
            <td>${t.revokedAt === undefined && t.expiresAt > now ? h`<form method="post" action="/tokens/${t.id}/revoke" class="inline">${csrfField(page)}<button class="danger" type="submit" data-testid="revoke-token">Revoke</button></form>` : h``}</td></tr>`,
        )}</tbody></table>`;
      return { title: 'Tokens', body };
    },
  };
}
