import { h } from './html.js';
import { layout, type PageContext } from './layout.js';

/** The sign-in page: one link per configured provider, carrying where to go afterwards; a failure's message. */
export function signInPage(page: PageContext, providers: { id: string; label: string }[], next: string, error?: string) {
  const query = next === '/' ? '' : `?next=${encodeURIComponent(next)}`;
  return layout(
    page,
    'Sign in',
    h`<div class="card narrow"><h1>Sign in</h1>
      ${error ? h`<div class="error" data-testid="error">${error}</div>` : h``}
      <p class="muted small">Sign in with your work account. Your verified email address must be an active person in the organisation's directory.</p>
      <div class="providers">${providers.map((p) => h`<a href="/auth/${p.id}/start${query}" data-provider="${p.id}">Continue with ${p.label}</a>`)}</div></div>`,
  );
}
