/**
 * Builds Kubiya's bundle (`kubiya_bundle.json`, KUBIYA.md §2) from the tool definitions and the resolved
 * config. Every tool runs the same image and the same CLI; what varies is its name, description, args and
 * diagram. A bundle source never receives `dynamic_config`, so each tool carries the config as one compressed
 * package (scripts/config/config-package.ts), used when the teammate's environment has no `JIT_CONFIG_JSON`.
 */
import { encodeConfigPackage } from '../scripts/config/config-package.js';
import type { JitConfigFile } from '../scripts/config/jit-config.js';
import type { CatalogEntry } from '../scripts/core/catalog.js';
import { ConfigError } from '../scripts/core/errors.js';
import { bundleShape, shapeFingerprint, TOOL_ENV, TOOL_SECRETS } from './bundle-shape.js';
import { CONFIG_PATH, DATA_PATH, renderContent } from './content.js';
import type { ToolDefinition } from './definitions/definition.js';
import { generatedTools } from './definitions/generated.js';
import { BundleSchema, type Bundle, type FileSpecInput, type ToolInput } from './model.js';

export { defaultImage, TOOL_ENV, TOOL_SECRETS } from './bundle-shape.js';

/** The named volume that keeps the SQLite database between tool runs. */
export const DATA_VOLUME = 'kubiya-jit-data';

/** What {@link buildBundle} needs. */
export interface BundleInput {
  /** The static tool definitions, usually `STATIC_TOOLS` from tools/definitions/index.ts. */
  staticTools: readonly ToolDefinition[];
  /** The catalog entries; those with `dedicatedTool` get generated tools. */
  generated: readonly CatalogEntry[];
  /** The container image every tool runs, e.g. {@link defaultImage}(version). */
  image: string;
  /** The resolved, self-contained JIT config, packaged at {@link CONFIG_PATH} in every tool's container. */
  config: unknown;
  /** Knowledge documents by file name, packaged with the config. */
  knowledge?: Record<string, string>;
  /** The package version, recorded as the bundle's version. */
  version: string;
  /** More files for every tool's container beside the config package, at absolute destinations. */
  files?: readonly FileSpecInput[];
  /** Overrides {@link TOOL_ENV}. */
  env?: readonly string[];
  /** Overrides {@link TOOL_SECRETS}. */
  secrets?: readonly string[];
}

/**
 * Builds and validates the bundle: static tools first, then the generated ones in catalog order.
 * Throws a {@link ConfigError} naming the tool and field when the result is not a valid Kubiya bundle.
 */
export function buildBundle(input: BundleInput): Bundle {
  const configPackage = packageConfig(input.config, input.knowledge);
  const generated = generatedTools(input.generated, { reservedNames: input.staticTools.map((tool) => tool.name) });
  const env = [...(input.env ?? TOOL_ENV)];
  const secrets = [...(input.secrets ?? TOOL_SECRETS)];
  const fingerprint = shapeFingerprint(bundleShape({ image: input.image, env, secrets, generated }));
  const tools: ToolInput[] = [...input.staticTools, ...generated].map((definition) => ({
    name: definition.name,
    description: definition.description,
    type: 'docker',
    image: input.image,
    content: renderContent(definition.name, definition.args.map((arg) => arg.name), { fingerprint }),
    args: definition.args,
    env,
    secrets,
    with_files: [{ destination: CONFIG_PATH, content: configPackage }, ...(input.files ?? []).map((file) => ({ ...file }))],
    with_volumes: [{ name: DATA_VOLUME, path: DATA_PATH }],
    long_running: false,
    mermaid: definition.mermaid,
  }));
  const parsed = BundleSchema.safeParse({ tools, errors: [], python_bundle_version: input.version });
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 10).map((issue) => {
      const where = issue.path.map((part, i) => (i === 1 && issue.path[0] === 'tools' ? tools[Number(part)]?.name ?? part : String(part)));
      return `${where.join('.')}: ${issue.message}`;
    });
    throw new ConfigError(`The tools do not make a valid Kubiya bundle: ${problems.join('; ')}`, { issues: problems });
  }
  return parsed.data;
}

/** The bundle as the bytes written to `kubiya_bundle.json`: stable key order, two-space indent, final newline. */
export function serializeBundle(bundle: Bundle): string {
  // Parsing again fixes the key order to the schema's, whoever built the object.
  return `${JSON.stringify(BundleSchema.parse(bundle), null, 2)}\n`;
}

function packageConfig(config: unknown, knowledge: Record<string, string> | undefined): string {
  if (config === undefined || config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConfigError('The bundle needs the resolved JIT config as an object, to place it in every tool at ' + CONFIG_PATH + '.');
  }
  return encodeConfigPackage({ config: config as JitConfigFile, ...(knowledge ? { knowledge } : {}) });
}
