import { describe, expect, it } from 'vitest';
import type { JitConfigFile } from '../../../scripts/config/jit-config.js';
import { safeNext } from '../../../scripts/console/auth/safe-redirect.js';
import { consoleSettings } from '../../../scripts/console/server/console-settings.js';
import { ConfigError } from '../../../scripts/core/errors.js';

const SECRET = { JIT_CONSOLE_COOKIE_SECRET: 'x'.repeat(40), GOOGLE_CLIENT_SECRET: 'g', GITHUB_CLIENT_SECRET: 'h', MICROSOFT_CLIENT_SECRET: 'm' };
const settings = (console: JitConfigFile['console'], env: NodeJS.ProcessEnv = SECRET, listen = 'http://localhost:8080') =>
  consoleSettings({ file: { console }, path: 'jit.yaml', dir: '.' }, env, listen);
const refused = (run: () => unknown): string => {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('not refused');
};

describe('console settings', () => {
  it('resolves providers, timeouts and cookies from the config and the environment', () => {
    const s = settings({ base_url: 'https://jit.example.com', session_idle_timeout: '10m', providers: { google: { client_id: 'g-id' }, microsoft: { client_id: 'm-id', tenant_id: 'contoso.onmicrosoft.com' } } });
    expect(s.origin).toBe('https://jit.example.com');
    expect(s.cookiePrefix).toBe('__Host-');
    expect(s.idleMs).toBe(600_000);
    expect(s.providers.map((p) => [p.id, p.issuer])).toEqual([
      ['google', 'https://accounts.google.com'],
      ['microsoft', 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0'],
    ]);
    expect(settings({ providers: { github: { client_id: 'x' } } }).cookiePrefix).toBe('');
  });

  it('refuses what would make sign-in unsafe, naming the key or variable to fix', () => {
    expect(refused(() => settings({ base_url: 'http://jit.example.com', providers: { google: { client_id: 'g' } } }))).toContain('https://');
    expect(refused(() => settings({ providers: { google: { client_id: 'g' } } }, SECRET, 'http://10.0.0.5:8080'))).toContain('console.base_url');
    expect(refused(() => settings({ providers: { google: { client_id: 'g' } } }, { ...SECRET, JIT_CONSOLE_COOKIE_SECRET: 'short' }))).toContain('JIT_CONSOLE_COOKIE_SECRET');
    expect(refused(() => settings({ providers: { google: { client_id: 'g' } } }, { JIT_CONSOLE_COOKIE_SECRET: 'x'.repeat(40) }))).toContain('GOOGLE_CLIENT_SECRET');
    expect(refused(() => settings({ providers: { microsoft: { client_id: 'm', tenant_id: 'common' } } }))).toContain('tenant_id');
    expect(refused(() => settings({ providers: {} }))).toContain('no sign-in provider');
  });
});

describe('safeNext (where to go after sign-in)', () => {
  const base = new URL('https://jit.example.com');
  it('keeps a path on the console with its query', () => {
    expect(safeNext('/requests/req_1?x=1#t', base)).toBe('/requests/req_1?x=1#t');
  });
  it.each(['https://evil.example/', '//evil.example', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', '/a\r\nLocation: https://evil.example', '', undefined, `/${'a'.repeat(600)}`])(
    'sends %j to / instead',
    (raw) => {
      expect(safeNext(raw, base)).toBe('/');
    },
  );
});
