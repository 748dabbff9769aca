/**
 * Shared parts of the sign-in provider stand-ins (OIDC, GitHub OAuth): reading requests, the login form they
 * show, and the pending authorization codes. Node's standard library only.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads a request body as text (at most 64 KB). */
export async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 65_536) break;
  }
  return text;
}

/** Sends a response with a body and headers. */
export function send(res: ServerResponse, status: number, body: string, type = 'application/json', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(body);
}

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The login page a person sees at the provider: labelled as a stand-in, one email field, and the
 * authorization request carried along in hidden fields.
 */
export function loginForm(title: string, action: string, hidden: Record<string, string>, error?: string): string {
  const fields = Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>
<h1>${esc(title)}</h1><p><strong>Test stand-in</strong>: not a real identity provider.</p>
${error ? `<p id="error">${esc(error)}</p>` : ''}
<form method="post" action="${esc(action)}">${fields}
<label>Email <input type="email" name="login" id="login" autocomplete="off"></label>
<button type="submit" id="sign-in">Sign in</button></form></body></html>`;
}

/** An authorization code waiting to be exchanged, with what the exchange must match. */
export interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  nonce?: string;
  user: string;
  expiresAt: number;
  used: boolean;
}

/** A fresh random code or token. */
export const randomToken = (bytes = 24) => randomBytes(bytes).toString('base64url');

/** Whether a PKCE verifier matches its S256 challenge (RFC 7636). */
export function pkceMatches(verifier: string | null, challenge: string | undefined): boolean {
  if (!challenge) return verifier === null;
  if (!verifier) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

/** The client's id and secret from HTTP Basic or the form (client_secret_basic / client_secret_post). */
export function clientCredentials(req: IncomingMessage, form: URLSearchParams): { id: string | null; secret: string | null } {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').map(decodeURIComponent);
    return { id: id ?? null, secret: secret ?? null };
  }
  return { id: form.get('client_id'), secret: form.get('client_secret') };
}
