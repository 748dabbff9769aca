import type { AwsSettings } from '../adapters/aws/aws-settings.js';
import { StaticCatalog, type Catalog, type CatalogEntry } from '../core/catalog.js';
import { ConfigError } from '../core/errors.js';
import { buildToolEntries, ttlDefaults } from '../config/build-catalog.js';
import type { LoadedConfig } from '../config/jit-config.js';

/**
 * The whole catalog: the config's Kubiya tools plus the policy-generated AWS entries and one Kubernetes entry
 * per configured cluster. The AWS loader reads
 * its own files, so it is imported only here, when a command needs the catalog.
 */
export async function buildFullCatalog(config: LoadedConfig): Promise<{ catalog: Catalog; aws: unknown; kubernetes: unknown }> {
  const tools = buildToolEntries(config);
  const { loadAwsCatalog } = await import('../config/aws/load-aws-catalog.js');
  const { entries, settings } = await loadAwsCatalog({
    configDir: config.dir,
    policies: config.file.policies,
    aws: config.file.aws,
    defaults: { maxTtlSeconds: ttlDefaults(config).maxTtlSeconds, approverGroups: undefined },
    configPath: config.path,
    ...(config.origin === 'env' ? { where: config.path } : {}),
  });
  const { loadKubeCatalog } = await import('../config/kubernetes/load-kube-catalog.js');
  const kube = await loadKubeCatalog(config.file.kubernetes, { maxTtlSeconds: ttlDefaults(config).maxTtlSeconds }, config.path);
  const seen = new Set<string>();
  for (const entry of [...tools, ...entries, ...kube.entries]) {
    if (seen.has(entry.name)) {
      throw new ConfigError(`${config.path}: two requestable entries are named ${entry.name}; rename one (tools, policies, access_configs.json and s3_configs.json share one namespace).`);
    }
    seen.add(entry.name);
  }
  return { catalog: new StaticCatalog([...tools, ...entries, ...kube.entries]), aws: settings, kubernetes: kube.settings };
}

/**
 * As much of the catalog as a broken config still gives, for expiry: the Kubiya tools if they load, and the
 * `aws` section's settings if it parses (a broken companion file does not stop it). Each part that fails is a
 * problem in the list. Removal of recorded grants needs none of it; rows approved before grants were recorded
 * find their entry here when it still loads.
 */
export async function buildExpiryCatalog(config: LoadedConfig): Promise<{ catalog: Catalog; aws: AwsSettings | undefined; problems: string[] }> {
  const problems: string[] = [];
  const attempt = async <T>(part: () => T | Promise<T>): Promise<T | undefined> => {
    try {
      return await part();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(err.message);
      return undefined;
    }
  };
  const tools: CatalogEntry[] = (await attempt(() => buildToolEntries(config))) ?? [];
  const aws = await attempt(async () => {
    const { parseAwsSection } = await import('../config/aws/aws-section.js');
    return (await parseAwsSection(config.file.aws)).settings;
  });
  return { catalog: new StaticCatalog(tools), aws, problems };
}
