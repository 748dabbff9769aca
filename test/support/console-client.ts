/**
 * A cookie-keeping HTTP client for the console, signing in through the stand-in providers the way a browser
 * would (following each redirect by hand, so tests can tamper with any step).
 */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  /** The Cookie header for the console's origin. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (attrs.some((a) => /max-age=0/i.test(a)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** A request to the console with the kept cookies; same-origin by default. */
  async fetch(path: string, init: RequestInit & { origin?: string | null } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    if (init.origin !== null && init.method && init.method !== 'GET') headers.set('origin', init.origin ?? new URL(this.baseUrl).origin);
    const response = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: 'manual' });
    this.keep(response);
    return response;
  }

  /** Starts a sign-in and returns the provider's authorize URL (the flow cookie is kept). */
  async startSignIn(provider = 'google', next?: string): Promise<URL> {
    const response = await this.fetch(`/auth/${provider}/start${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    if (response.status !== 302) throw new Error(`start answered ${response.status}`);
    return new URL(response.headers.get('location')!);
  }

  /** Posts the provider's login form as `login` and returns the callback URL it redirects to. */
  static async loginAtProvider(authorize: URL, login: string): Promise<URL> {
    const form = new URLSearchParams(authorize.searchParams);
    form.set('login', login);
    const response = await fetch(new URL(authorize.pathname, authorize), { method: 'POST', body: form, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status !== 302 || !location) throw new Error(`provider answered ${response.status}: ${await response.text()}`);
    return new URL(location);
  }

  /** Completes a sign-in at the console's callback; returns the response (303 on success). */
  async callback(callback: URL): Promise<Response> {
    return this.fetch(`${callback.pathname}${callback.search}`);
  }

  /** The whole sign-in; throws unless the console accepted it. */
  async signIn(login: string, provider = 'google'): Promise<this> {
    const authorize = await this.startSignIn(provider);
    const response = await this.callback(await ConsoleClient.loginAtProvider(authorize, login));
    if (response.status !== 303) throw new Error(`sign-in of ${login} answered ${response.status}: ${await response.text()}`);
    return this;
  }

  /** The session's CSRF token, read from a page. */
  async csrf(): Promise<string> {
    const html = await (await this.fetch('/requests/mine')).text();
    const match = /<meta name="csrf-token" content="([^"]+)">/.exec(html);
    if (!match) throw new Error('no CSRF token on the page (not signed in?)');
    return match[1]!;
  }

  /** Posts a form as the console's own pages do (same origin, with the session's CSRF token unless given). */
  async form(path: string, fields: Record<string, string>, csrf?: string): Promise<Response> {
    const body = new URLSearchParams({ _csrf: csrf ?? (await this.csrf()), ...fields });
    return this.fetch(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** Creates a personal API token on the Tokens page and returns its id and secret (shown once). */
  async createToken(name: string, expiresIn = '1d'): Promise<{ id: string; secret: string }> {
    const html = await (await this.form('/tokens', { name, expires_in: expiresIn })).text();
    const secret = /data-testid="token-secret">([^<]+)</.exec(html)?.[1];
    const id = [...html.matchAll(/<tr data-token="([^"]+)"><td>([^<]*)<\/td>/g)].find((m) => m[2] === name)?.[1];
    if (!secret || !id) throw new Error(`no token named ${name} on the page: ${html.slice(0, 500)}`);
    return { id, secret };
  }

  /** A JSON API call with the session and its CSRF token. */
  async api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') headers['x-csrf-token'] = await this.csrf();
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }
}

/** A JSON API call with a personal token, no cookies. */
export async function tokenCall(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = {};
  }
  return { status: response.status, json, text };
}
