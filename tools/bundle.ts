/**
 * Builds Kubiya's bundle (`kubiya_bundle.json`, KUBIYA.md §2) from the tool definitions and the resolved
 * config. Every tool runs the same image and the same CLI; what varies is its name, description, args and
 * diagram. The config is baked in as a file because a bundle source never receives `dynamic_config`.
 */
import type { CatalogEntry } from '../scripts/core/catalog.js';
import { ConfigError } from '../scripts/core/errors.js';
import { CONFIG_PATH, DATA_PATH, renderContent } from './content.js';
import type { ToolDefinition } from './definitions/definition.js';
import { generatedTools } from './definitions/generated.js';
import { BundleSchema, type Bundle, type FileSpecInput, type ToolInput } from './model.js';

/** The named volume that keeps the SQLite database between tool runs. */
export const DATA_VOLUME = 'kubiya-jit-data';

/**
 * Variables every tool receives from the teammate's environment: what Kubiya's runner injects (the person,
 * the agent, the Slack thread) and the deployment's settings the CLI reads.
 */
export const TOOL_ENV: readonly string[] = [
  'KUBIYA_USER_EMAIL',
  'KUBIYA_USER_ORG',
  'KUBIYA_AGENT_NAME',
  'KUBIYA_AGENT_UUID',
  'KUBIYA_SOURCE_URL',
  'KUBIYA_SOURCE_UUID',
  'SLACK_CHANNEL_ID',
  'SLACK_THREAD_TS',
  'APPROVERS_CHANNEL',
  'OKTA_ORG_URL',
  'ENFORCER_URL',
  'JIT_DATABASE',
  'AWS_REGION',
  'AWS_PROFILE',
];

/** Secrets every tool receives from the teammate's secrets; never written into the bundle or the config. */
export const TOOL_SECRETS: readonly string[] = ['SLACK_API_TOKEN', 'OKTA_API_TOKEN'];

/** What {@link buildBundle} needs. */
export interface BundleInput {
  /** The static tool definitions, usually `STATIC_TOOLS` from tools/definitions/index.ts. */
  staticTools: readonly ToolDefinition[];
  /** The catalog entries; those with `dedicatedTool` get generated tools. */
  generated: readonly CatalogEntry[];
  /** The container image every tool runs, e.g. {@link defaultImage}(version). */
  image: string;
  /** The resolved JIT config, written as JSON to {@link CONFIG_PATH} in every tool's container. */
  config: unknown;
  /** The package version, recorded as the bundle's version. */
  version: string;
  /**
   * More files for every tool's container beside the config (companion configs, knowledge documents), at
   * absolute destinations; like the config, they are baked in because a bundle source gets no dynamic_config.
   */
  files?: readonly FileSpecInput[];
  /** Overrides {@link TOOL_ENV}. */
  env?: readonly string[];
  /** Overrides {@link TOOL_SECRETS}. */
  secrets?: readonly string[];
}

/** The image the Dockerfile builds, tagged with the package version. */
export function defaultImage(version: string): string {
  return `ghcr.io/kubiya-jit/kubiya-jit:${version}`;
}

/**
 * Builds and validates the bundle: static tools first, then the generated ones in catalog order.
 * Throws a {@link ConfigError} naming the tool and field when the result is not a valid Kubiya bundle.
 */
export function buildBundle(input: BundleInput): Bundle {
  const configJson = serializeConfig(input.config);
  const definitions = [
    ...input.staticTools,
    ...generatedTools(input.generated, { reservedNames: input.staticTools.map((tool) => tool.name) }),
  ];
  const tools: ToolInput[] = definitions.map((definition) => ({
    name: definition.name,
    description: definition.description,
    type: 'docker',
    image: input.image,
    content: renderContent(definition.name, definition.args.map((arg) => arg.name)),
    args: definition.args,
    env: [...(input.env ?? TOOL_ENV)],
    secrets: [...(input.secrets ?? TOOL_SECRETS)],
    with_files: [{ destination: CONFIG_PATH, content: configJson }, ...(input.files ?? []).map((file) => ({ ...file }))],
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

function serializeConfig(config: unknown): string {
  if (config === undefined || config === null || typeof config !== 'object') {
    throw new ConfigError('The bundle needs the resolved JIT config as an object, to place it in every tool at ' + CONFIG_PATH + '.');
  }
  return `${JSON.stringify(config, null, 2)}\n`;
}
