/**
 * Checks that a config read at run time (`JIT_CONFIG_JSON`) gives the tools the bundle lists. Kubiya offers
 * only the bundle's tools, with the bundle's args and variables: a policy or S3 entry added in the
 * environment has no tool to request it, and a renamed one leaves a tool that no longer resolves. Each bundle
 * tool exports the fingerprint of its bundle's shape; a config with another shape is refused with what differs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BundleShape } from '../../tools/bundle-shape.js';
import type { LoadedConfig } from '../config/jit-config.js';
import { loadConfig } from '../config/load-config.js';
import { canonicalJson } from '../core/canonical-json.js';
import { ConfigError } from '../core/errors.js';
import { buildFullCatalog } from './build-catalog-all.js';
import { packageVersion } from './package-version.js';
import { databasePath } from './runtime-paths.js';

/** The variable a bundle tool's content exports (tools/content.ts). */
export const FINGERPRINT_ENV = 'JIT_BUNDLE_FINGERPRINT';

/** The shape of the bundle this config would build (tools/bundle-shape.ts). */
export async function configShape(config: LoadedConfig): Promise<BundleShape> {
  const { catalog } = await buildFullCatalog(config);
  const [{ bundleSettings, bundleShape }, { generatedTools }, { STATIC_TOOLS }] = await Promise.all([
    import('../../tools/bundle-shape.js'),
    import('../../tools/definitions/generated.js'),
    import('../../tools/definitions/index.js'),
  ]);
  const generated = generatedTools(catalog.list(), { reservedNames: STATIC_TOOLS.map((tool) => tool.name) });
  return bundleShape({ ...bundleSettings(config.file, packageVersion()), generated });
}

/**
 * Throws `config.bundle_mismatch` when the run is a bundle tool (its fingerprint is set), the config came from
 * the environment, and that config's shape differs from the bundle's. A config the bundle carries is
 * the bundle's own by construction and is not checked.
 */
export async function assertConfigMatchesBundle(config: LoadedConfig, env: NodeJS.ProcessEnv): Promise<void> {
  const expected = env[FINGERPRINT_ENV]?.trim();
  if (!expected || config.origin !== 'env') return;
  // The check builds the whole catalog; a config that passed it once passes it again, so a marker on the data
  // volume (keyed by the package version, the fingerprint and the config) spares the next runs that cost.
  const marker = join(dirname(databasePath(env)), '.bundle-match', createHash('sha256').update(`${packageVersion()}\n${expected}\n${canonicalJson(config.file)}`).digest('hex'));
  if (existsSync(marker)) return;
  const { shapeFingerprint, describeShapeDifference } = await import('../../tools/bundle-shape.js');
  const current = await configShape(config);
  if (shapeFingerprint(current) === expected) {
    try {
      mkdirSync(dirname(marker), { recursive: true });
      writeFileSync(marker, `${expected}\n`);
    } catch {
      // Only a cache: a read-only or missing volume means the next run checks again.
    }
    return;
  }
  let differences: string[] = [];
  try {
    // The bundle's own config, from the package the tool carries, names what differs.
    differences = describeShapeDifference(await configShape(await loadConfig({ JIT_CONFIG: env.JIT_CONFIG })), current);
  } catch {
    differences = [];
  }
  const what = differences.length ? differences.join('; ') : 'its tools, args, variables or image differ';
  throw new ConfigError(
    `${config.path} does not match the tools this bundle gives Kubiya: ${what}. Kubiya only offers the bundle's tools, so rebuild the bundle ` +
      'with this config (JIT_CONFIG_JSON=… npm run bundle), commit kubiya_bundle.json and re-sync the source, or put JIT_CONFIG_JSON back as it was.',
    { expected, actual: shapeFingerprint(current), differences },
    'config.bundle_mismatch',
  );
}
