import type { AwsSettings } from '../adapters/aws/aws-settings.js';
import type { EnforcerConfig } from '../adapters/enforcer/enforcer-config.js';
import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { AccessProvider, GrantContext, Logger, ProviderRegistry, RequestStore } from '../core/ports.js';
import type { GrantTarget, Json } from '../core/types.js';

/** What the registry builds providers from. Either source is undefined when today's config could not give it. */
export interface RegistrySources {
  env: NodeJS.ProcessEnv;
  log: Logger;
  clock: Clock;
  /** The store the AWS providers coordinate through (target locks, holds, follow-ups). */
  store: RequestStore;
  /** Today's `enforcer` section (`{type: 'none'}` when absent), or undefined when the config cannot be read. */
  enforcer: EnforcerConfig | undefined;
  /** Today's resolved `aws` section, or undefined when it cannot be read. */
  aws: AwsSettings | undefined;
  /** Today's resolved `kubernetes` section, or undefined when it cannot be read (or has no clusters). */
  kubernetes?: unknown;
  /** Why a source is missing, for the error of a grant that needs it. */
  problem?: string;
}

/**
 * The provider registry of one run: providers by name for grants (created on first use, loading their SDKs
 * only then), what each grant pins for its removal, and removal providers built from those pins, so expiry
 * needs nothing from a config that has changed or cannot be read.
 */
export function createProviderRegistry(src: RegistrySources): ProviderRegistry {
  const cache = new Map<string, Promise<AccessProvider>>();
  const unavailable = (what: string) => new ConfigError(`The ${what} settings cannot be read from today's config${src.problem ? `: ${src.problem}` : '.'}`);

  const enforcerProvider = async (config: EnforcerConfig): Promise<AccessProvider> => {
    const [{ createEnforcer }, { EnforcerAccessProvider }] = await Promise.all([
      import('../adapters/enforcer/create-enforcer.js'),
      import('../adapters/providers/enforcer-access-provider.js'),
    ]);
    return new EnforcerAccessProvider(createEnforcer(config, src.env, src.log, src.clock));
  };

  const coordination = async () => {
    const { awsCoordination } = await import('../adapters/aws/aws-coordination.js');
    return awsCoordination(src.store, { now: () => src.clock.now() });
  };

  const create = async (name: string): Promise<AccessProvider> => {
    if (name === 'enforcer') {
      if (!src.enforcer) throw unavailable('enforcer');
      return enforcerProvider(src.enforcer);
    }
    if (name === 'kubernetes') {
      // Bindings are found by the labels naming the request, so removal needs only today's cluster connection.
      if (!src.kubernetes) throw unavailable('kubernetes');
      const { createKubernetesProvider } = await import('../adapters/kubernetes/create-kubernetes-provider.js');
      return createKubernetesProvider(src.kubernetes as never, src.env, src.log);
    }
    if (!src.aws) throw unavailable('aws');
    const { createAwsProvider } = await import('../adapters/aws/create-aws-provider.js');
    return createAwsProvider(name, src.aws, src.log, await coordination());
  };

  const get = (name: string): Promise<AccessProvider> => {
    let provider = cache.get(name);
    if (!provider) cache.set(name, (provider = create(name)));
    return provider;
  };

  return {
    get,
    async pin(target: GrantTarget, ctx: GrantContext): Promise<Record<string, Json> | undefined> {
      if (target.provider === 'enforcer') return src.enforcer ? { enforcer: enforcerPin(src.enforcer) } : undefined;
      const { isAwsProviderName } = await import('../adapters/aws/create-aws-provider.js');
      if (!src.aws || !isAwsProviderName(target.provider)) return undefined;
      const { awsRemovalPin } = await import('../adapters/aws/removal-wiring.js');
      return awsRemovalPin(target.provider, src.aws, ctx);
    },
    async forRemoval(target: GrantTarget, ctx: GrantContext): Promise<AccessProvider> {
      // Rows approved before pins existed are removed as before, with today's config.
      if (!target.pinned) return get(target.provider);
      if (target.provider === 'enforcer') {
        const recorded = readEnforcerPin(target.pinned.enforcer);
        // Today's settings win only where they cannot point the removal elsewhere: same kind of Enforcer
        // (a corrected URL, a rotated token variable). A config now saying `none` must not "remove" an OPA allow.
        const config = recorded && src.enforcer?.type !== recorded.type ? recorded : (src.enforcer ?? recorded);
        if (!config) throw unavailable('enforcer');
        return enforcerProvider(config);
      }
      const [{ isAwsProviderName }, { createAwsRemovalProvider }] = await Promise.all([
        import('../adapters/aws/create-aws-provider.js'),
        import('../adapters/aws/removal-wiring.js'),
      ]);
      if (!isAwsProviderName(target.provider)) return get(target.provider);
      return createAwsRemovalProvider(target.provider, src.aws, target.pinned, ctx, src.log, await coordination());
    },
  };
}

function enforcerPin(config: EnforcerConfig): Record<string, Json> {
  return { type: config.type, ...(config.url ? { url: config.url } : {}), ...(config.token_env ? { token_env: config.token_env } : {}) };
}

function readEnforcerPin(value: Json | undefined): EnforcerConfig | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const type = value.type;
  if (type !== 'opa' && type !== 'kubiya' && type !== 'none') return undefined;
  return {
    type,
    ...(typeof value.url === 'string' ? { url: value.url } : {}),
    ...(typeof value.token_env === 'string' ? { token_env: value.token_env } : {}),
  };
}
