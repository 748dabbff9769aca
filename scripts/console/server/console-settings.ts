import { parseDuration } from '../../core/duration.js';
import { ConfigError } from '../../core/errors.js';
import type { ConsoleProviderConfig, LoadedConfig } from '../../config/jit-config.js';

/** The sign-in providers the console knows. GitHub is OAuth 2.0 only; Google and Microsoft are OpenID Connect. */
export type ProviderId = 'google' | 'microsoft' | 'github';

/** One configured sign-in provider, its secret read from the environment. */
export interface ProviderSettings {
  id: ProviderId;
  label: string;
  clientId: string;
  clientSecret: string;
  /** OIDC issuer (Google, Microsoft), or GitHub's web address (where /login/oauth/* live). */
  issuer: string;
  /** GitHub's REST API address. */
  apiUrl?: string;
  /** Microsoft: the tenant whose accounts may sign in (its issuer carries it; `/common` is not accepted). */
  tenantId?: string;
}

/** Everything `serve` needs beyond the tools' config, resolved and checked once at start-up. */
export interface ConsoleSettings {
  /** The console's public address; redirect URIs and the allowed Origin derive from it. */
  baseUrl: URL;
  origin: string;
  cookieSecret: string;
  /** `__Host-` cookies need https; on a loopback http address (development, tests) the plain name is used. */
  cookiePrefix: string;
  idleMs: number;
  absoluteMs: number;
  tokenMaxMs: number;
  /** Groups whose ACTIVE members may read, search, export and verify the whole audit log. */
  auditorGroups: string[];
  providers: ProviderSettings[];
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;
const DEFAULT_SECRET_ENV: Record<ProviderId, string> = { google: 'GOOGLE_CLIENT_SECRET', microsoft: 'MICROSOFT_CLIENT_SECRET', github: 'GITHUB_CLIENT_SECRET' };

/**
 * Resolves the config's `console` section and its secrets. Every problem is a ConfigError naming the key or
 * the variable to set; `defaultBaseUrl` (the address `serve` listens on) is used only when it is loopback.
 */
export function consoleSettings(config: LoadedConfig, env: NodeJS.ProcessEnv, defaultBaseUrl: string): ConsoleSettings {
  const section = config.file.console ?? {};
  const where = `${config.path}: console`;
  const baseUrl = new URL(section.base_url ?? defaultBaseUrl);
  const loopback = LOOPBACK.test(baseUrl.hostname);
  if (baseUrl.protocol !== 'https:' && !loopback) {
    throw new ConfigError(`${where}.base_url must be an https:// address (session cookies are Secure); http is accepted on localhost only.`, { path: config.path });
  }
  if (!section.base_url && !loopback) {
    throw new ConfigError(`${where}.base_url is required when serve listens on a non-loopback address: set it to the console's public https:// address.`, { path: config.path });
  }
  const secretEnv = section.cookie_secret_env ?? 'JIT_CONSOLE_COOKIE_SECRET';
  const cookieSecret = env[secretEnv] ?? '';
  if (cookieSecret.length < 32) {
    throw new ConfigError(`Set ${secretEnv} to a random secret of at least 32 characters (it signs the console's cookies), e.g. openssl rand -base64 48.`, { variable: secretEnv });
  }
  const seconds = (value: string | undefined, fallback: string, key: string) => parseDuration(value ?? fallback, `console.${key}`) * 1000;
  const providers = providerSettings(section.providers ?? {}, env, where);
  if (providers.length === 0) {
    throw new ConfigError(`${where}.providers names no sign-in provider: configure google, microsoft or github (docs/console.md).`, { path: config.path });
  }
  return {
    baseUrl,
    origin: baseUrl.origin,
    cookieSecret,
    cookiePrefix: baseUrl.protocol === 'https:' ? '__Host-' : '',
    idleMs: seconds(section.session_idle_timeout, '30m', 'session_idle_timeout'),
    absoluteMs: seconds(section.session_absolute_timeout, '12h', 'session_absolute_timeout'),
    tokenMaxMs: seconds(section.token_max_ttl, '90d', 'token_max_ttl'),
    auditorGroups: section.auditor_groups ?? config.file.approvals?.default_approver_groups ?? [],
    providers,
  };
}

function providerSettings(
  section: NonNullable<NonNullable<LoadedConfig['file']['console']>['providers']>,
  env: NodeJS.ProcessEnv,
  where: string,
): ProviderSettings[] {
  const result: ProviderSettings[] = [];
  const secret = (id: ProviderId, p: ConsoleProviderConfig) => {
    const name = p.client_secret_env ?? DEFAULT_SECRET_ENV[id];
    const value = env[name];
    if (!value) throw new ConfigError(`${where}.providers.${id}: set ${name} to the OAuth client secret of ${p.client_id}.`, { variable: name });
    return value;
  };
  if (section.google) {
    result.push({ id: 'google', label: 'Google', clientId: section.google.client_id, clientSecret: secret('google', section.google), issuer: section.google.issuer ?? 'https://accounts.google.com' });
  }
  if (section.microsoft) {
    const tenant = section.microsoft.tenant_id;
    if (['common', 'organizations', 'consumers'].includes(tenant.toLowerCase())) {
      throw new ConfigError(`${where}.providers.microsoft.tenant_id must be your tenant's id, not "${tenant}": a multi-tenant issuer would let any Microsoft account's tenant vouch for an email.`);
    }
    result.push({
      id: 'microsoft',
      label: 'Microsoft',
      clientId: section.microsoft.client_id,
      clientSecret: secret('microsoft', section.microsoft),
      issuer: section.microsoft.issuer ?? `https://login.microsoftonline.com/${tenant}/v2.0`,
      tenantId: tenant,
    });
  }
  if (section.github) {
    result.push({
      id: 'github',
      label: 'GitHub',
      clientId: section.github.client_id,
      clientSecret: secret('github', section.github),
      issuer: section.github.issuer ?? 'https://github.com',
      apiUrl: section.github.api_url ?? 'https://api.github.com',
    });
  }
  return result;
}

/** True for an address on this machine, where plain http is accepted (development and tests). */
export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK.test(url.hostname);
}
