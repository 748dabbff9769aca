import { consoleScript, consoleStyles } from '../assets/assets.js';
import { h, type SafeHtml } from './html.js';

/** What every page needs to know about who is looking. */
export interface PageContext {
  /** The signed-in person; absent on the sign-in page. */
  email?: string;
  /** The session's CSRF token, put in every form. */
  csrf?: string;
  /** The CSP nonce of this response; the one script carries it. */
  nonce: string;
  /** Which navigation entry is current. */
  current?: 'request' | 'mine' | 'approvals' | 'audit' | 'analytics' | 'tokens';
}

const NAV = [
  ['request', '/request', 'Request'],
  ['mine', '/requests/mine', 'My requests'],
  ['approvals', '/approvals', 'Approvals'],
  ['audit', '/audit', 'Audit'],
  ['analytics', '/analytics', 'Analytics'],
  ['tokens', '/tokens', 'Tokens'],
] as const;

/** A hidden field with the session's CSRF token, for every form that changes something. */
export function csrfField(page: PageContext): SafeHtml {
  return h`<input type="hidden" name="_csrf" value="${page.csrf ?? ''}">`;
}

/**
 * A whole page: navigation, the signed-in person and sign-out, and the body. `liveUrl` makes the body's
 * `#live` region follow the store over Server-Sent Events.
 */
export function layout(page: PageContext, title: string, body: SafeHtml, liveUrl?: string): SafeHtml {
  const nav = page.email
    ? h`<nav>${NAV.map(([id, href, label]) => h`<a href="${href}" class="${page.current === id ? 'current' : ''}">${label}</a>`)}</nav>
      <div class="who"><span data-testid="who">${page.email}</span>
        <form method="post" action="/auth/signout" class="inline">${csrfField(page)}<button class="secondary" type="submit">Sign out</button></form></div>`
    : h``;
  return h`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · kubiya-jit</title>
${page.csrf ? h`<meta name="csrf-token" content="${page.csrf}">` : h``}
<link rel="stylesheet" href="${consoleStyles.path}">
<script type="module" src="${consoleScript().path}" nonce="${page.nonce}"></script>
</head><body>
<header><span class="brand">kubiya-jit</span>${nav}</header>
<main>${liveUrl ? h`<div id="live" data-live-url="${liveUrl}">${body}</div>` : body}</main>
</body></html>`;
}

/** A page that only says what went wrong (bad input, not allowed, not found). */
export function errorPage(page: PageContext, code: string, message: string): SafeHtml {
  return layout(page, 'Something went wrong', h`<h1>That did not work</h1><div class="error" data-testid="error"><strong>${message}</strong><div class="small muted">${code}</div></div>
    <p><a href="/requests/mine">Back to my requests</a></p>`);
}
