/**
 * Builds the GitHub, Google Workspace or Microsoft Entra directory the config names, behind `lazyPort` so
 * the provider's SDK is loaded only when a tool first asks the directory something. Keys that belong to
 * another directory type are refused, naming the key, rather than silently ignored.
 */
import { resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { Directory, Logger, RequestStore } from '../core/ports.js';
import { parseDuration } from '../core/duration.js';
import { lazyPort } from '../adapters/lazy-port.js';
import type { JitConfigFile } from '../config/jit-config.js';

type DirectorySection = NonNullable<JitConfigFile['directory']>;

/** Which keys of `directory` each type reads. */
const KEYS: Record<DirectorySection['type'], readonly string[]> = {
  config: ['groups'],
  okta: ['membership_cache', 'member_list_cache'],
  github: ['membership_cache', 'member_list_cache', 'max_rate_limit_wait', 'organization', 'email_mapping', 'saml_emails'],
  google: ['membership_cache', 'member_list_cache', 'max_rate_limit_wait', 'admin_email'],
  microsoft: ['membership_cache', 'member_list_cache', 'max_rate_limit_wait'],
};

/** Refuses keys the section's type does not read (`organization` under `type: google`, …). */
export function checkDirectoryKeys(section: DirectorySection): void {
  const allowed = new Set(['type', ...KEYS[section.type]]);
  const stray = Object.keys(section).filter((key) => !allowed.has(key));
  if (stray.length > 0) {
    throw new ConfigError(`directory.${stray[0]} does not apply to directory.type ${section.type}: remove it (it is read by ${Object.entries(KEYS).filter(([, keys]) => keys.includes(stray[0]!)).map(([type]) => type).join(', ')}).`, {
      key: `directory.${stray[0]}`,
    });
  }
}

/** A duration in whole seconds, where `0s` is meaningful (no cache); undefined when not set. */
export function directorySeconds(value: string | undefined, key: string): number | undefined {
  if (value === undefined) return undefined;
  return /^\s*0+\s*[smhdw]?\s*$/i.test(value) ? 0 : parseDuration(value, key);
}

/** What the provider directories need from the composition root. */
export interface ProviderDirectoryContext {
  env: Record<string, string | undefined>;
  configDir: string;
  store: () => RequestStore;
  clock: Clock;
  log: Logger;
}

/** The directory for `github`, `google` or `microsoft`, loaded on first use. */
export function createProviderDirectory(section: DirectorySection, ctx: ProviderDirectoryContext): Directory {
  const options = () => ({
    cache: ctx.store(),
    clock: ctx.clock,
    log: ctx.log,
    membershipCacheSeconds: directorySeconds(section.membership_cache, 'directory.membership_cache'),
    memberListCacheSeconds: directorySeconds(section.member_list_cache, 'directory.member_list_cache'),
    maxRateLimitWaitSeconds: directorySeconds(section.max_rate_limit_wait, 'directory.max_rate_limit_wait'),
  });
  return lazyPort(async () => {
    switch (section.type) {
      case 'github': {
        const { createGitHubDirectory } = await import('../adapters/github/github-directory.js');
        const config = { ...section, ...(typeof section.email_mapping === 'string' ? { email_mapping: resolve(ctx.configDir, section.email_mapping) } : {}) };
        return createGitHubDirectory(ctx.env, config, options());
      }
      case 'google': {
        const { createGoogleDirectory } = await import('../adapters/google/google-directory.js');
        return createGoogleDirectory(ctx.env, section, options());
      }
      case 'microsoft': {
        const { createMicrosoftDirectory } = await import('../adapters/microsoft/microsoft-directory.js');
        return createMicrosoftDirectory(ctx.env, options());
      }
      default:
        throw new ConfigError(`directory.type ${section.type} is not a provider directory.`);
    }
  });
}
