/**
 * Builds the configured Enforcer adapter. None of them loads an SDK (they use Node's `fetch`), so this
 * module is cheap to import on every tool run.
 */
import type { Clock } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import type { Enforcer, Logger } from '../../core/ports.js';
import type { EnforcerConfig } from './enforcer-config.js';
import { KubiyaEnforcer } from './kubiya-enforcer.js';
import { NoneEnforcer } from './none-enforcer.js';
import { OpaEnforcer } from './opa-enforcer.js';

export { enforcerConfigSchema } from './enforcer-config.js';
export type { EnforcerConfig, EnforcerType } from './enforcer-config.js';

const systemClock: Clock = { now: () => Date.now() };

/**
 * Creates the Enforcer for `config`. `ENFORCER_URL` in `env` overrides `config.url`; `config.token_env`
 * names the variable holding OPA's token. Throws a {@link ConfigError} naming `enforcer.url` or the token
 * variable when what the type needs is missing.
 */
export function createEnforcer(config: EnforcerConfig, env: NodeJS.ProcessEnv, log: Logger, clock: Clock = systemClock): Enforcer {
  if (config.type === 'none') return new NoneEnforcer();
  if (config.type !== 'opa' && config.type !== 'kubiya') {
    throw new ConfigError(`enforcer.type "${String(config.type)}" is not one of opa, kubiya, none.`, { key: 'enforcer.type' });
  }
  const url = resolveUrl(config, env);
  if (config.type === 'kubiya') return new KubiyaEnforcer({ url, log, clock });
  return new OpaEnforcer({ url, token: resolveToken(config, env), log });
}

function resolveUrl(config: EnforcerConfig, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.ENFORCER_URL?.trim();
  const url = fromEnv || config.url?.trim();
  const source = fromEnv ? 'ENFORCER_URL' : 'enforcer.url';
  if (!url) {
    throw new ConfigError(
      `enforcer.url is required when enforcer.type is "${config.type}": set enforcer.url in the config or the ENFORCER_URL environment variable ` +
        `(e.g. ${config.type === 'opa' ? 'http://opa.kubiya:8181' : 'http://enforcer.kubiya:5001'}).`,
      { key: 'enforcer.url' },
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${source} is not a URL: give the Enforcer's base URL, e.g. http://opa.kubiya:8181.`, { key: 'enforcer.url' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`${source} must be an http:// or https:// URL.`, { key: 'enforcer.url' });
  }
  if (parsed.username || parsed.password) {
    throw new ConfigError(`${source} must not contain a user name or password: put OPA's token in the variable named by enforcer.token_env.`, {
      key: 'enforcer.url',
    });
  }
  return url;
}

function resolveToken(config: EnforcerConfig, env: NodeJS.ProcessEnv): string | undefined {
  if (!config.token_env) return undefined;
  const token = env[config.token_env];
  if (!token) {
    throw new ConfigError(`enforcer.token_env names ${config.token_env}, but that environment variable is empty or unset.`, {
      key: 'enforcer.token_env',
    });
  }
  return token;
}
