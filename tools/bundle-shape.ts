/**
 * The part of the bundle a config decides: the image, the variable and secret names every tool receives,
 * and the generated tools with their args. Kubiya offers only the tools the bundle lists, so a config read at
 * run time (`JIT_CONFIG_JSON`) must give the same shape; each tool carries the shape's fingerprint to check.
 */
import { createHash } from 'node:crypto';
import type { JitConfigFile } from '../scripts/config/jit-config.js';
import { canonicalJson } from '../scripts/core/canonical-json.js';
import type { ToolDefinition } from './definitions/definition.js';

/**
 * Variables every tool receives from the teammate's environment: what Kubiya's runner injects (the person,
 * the agent, the Slack thread), the deployment's settings the CLI reads, and the config itself when it is
 * kept on the teammate (`JIT_CONFIG_JSON`, `JIT_KNOWLEDGE_JSON`).
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
  'JIT_CONFIG_JSON',
  'JIT_KNOWLEDGE_JSON',
];

/**
 * Secrets every tool receives from the teammate's secrets; never written into the bundle or the config.
 * `JIT_CONFIG_JSON` may be a secret instead of an env var, for configs that name people.
 */
export const TOOL_SECRETS: readonly string[] = ['SLACK_API_TOKEN', 'OKTA_API_TOKEN', 'JIT_CONFIG_JSON'];

/** The image the Dockerfile builds, tagged with the package version. */
export function defaultImage(version: string): string {
  return `ghcr.io/kubiya-jit/kubiya-jit:${version}`;
}

/** The variables each provider directory reads, added to every tool when that directory is configured. */
const DIRECTORY_NAMES: Record<string, { env: string[]; secrets: string[] }> = {
  github: { env: ['GITHUB_APP_ID', 'GITHUB_APP_INSTALLATION_ID', 'GITHUB_API_URL'], secrets: ['GITHUB_APP_PRIVATE_KEY', 'GITHUB_TOKEN'] },
  google: { env: ['GOOGLE_API_URL', 'GOOGLE_TOKEN_URL'], secrets: ['GOOGLE_SERVICE_ACCOUNT_KEY'] },
  microsoft: { env: ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_AUTHORITY_HOST', 'MICROSOFT_GRAPH_URL'], secrets: ['AZURE_CLIENT_SECRET'] },
};

/**
 * The image, variables and secrets a config gives every tool: the fixed lists plus the config's extras (its
 * `bundle.env` / `bundle.secrets`, the Enforcer's token variable, the configured directory's variables, the
 * PostgreSQL store's connection string).
 */
export function bundleSettings(file: JitConfigFile, version: string): { image: string; env: string[]; secrets: string[] } {
  const tokenEnv = file.enforcer?.token_env;
  const directory = DIRECTORY_NAMES[file.directory?.type ?? 'config'] ?? { env: [], secrets: [] };
  // With the PostgreSQL store every tool connects with JIT_DATABASE_URL, which carries the password.
  const database = file.store?.type === 'postgres' ? ['JIT_DATABASE_URL'] : [];
  return {
    image: file.bundle?.image ?? defaultImage(version),
    env: [...new Set([...TOOL_ENV, ...(file.bundle?.env ?? []), ...directory.env, ...kubeconfigEnv(file)])],
    secrets: [...new Set([...TOOL_SECRETS, ...(file.bundle?.secrets ?? []), ...(tokenEnv ? [tokenEnv] : []), ...directory.secrets, ...database])],
  };
}

/** The variables naming each Kubernetes cluster's kubeconfig file (`kubernetes.clusters[].connection.kubeconfig_env`). */
function kubeconfigEnv(file: JitConfigFile): string[] {
  const clusters = (file.kubernetes as { clusters?: { connection?: { kubeconfig_env?: unknown } }[] } | undefined)?.clusters ?? [];
  return clusters.map((c) => c.connection?.kubeconfig_env).filter((name): name is string => typeof name === 'string');
}

/** One tool as the shape sees it: what Kubiya passes to it, not what the LLM reads about it. */
export interface ShapeTool {
  name: string;
  args: { name: string; type: string; required: boolean; options?: string[] }[];
}

/** See the module comment. Lists are sorted, so the order of config entries does not matter. */
export interface BundleShape {
  image: string;
  env: string[];
  secrets: string[];
  tools: ShapeTool[];
}

/**
 * The shape of a bundle built with these settings and generated tools. Descriptions and defaults are left
 * out on purpose: a changed description or TTL works without a rebuild (the CLI reads them from the config);
 * a tool, an arg or a variable the bundle lacks does not.
 */
export function bundleShape(input: { image: string; env: readonly string[]; secrets: readonly string[]; generated: readonly ToolDefinition[] }): BundleShape {
  return {
    image: input.image,
    env: [...input.env].sort(),
    secrets: [...input.secrets].sort(),
    tools: input.generated
      .map((tool) => ({
        name: tool.name,
        args: tool.args.map((arg) => ({ name: arg.name, type: arg.type ?? 'str', required: arg.required ?? false, ...(arg.options ? { options: [...arg.options] } : {}) })),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/** A short, stable digest of a shape (`sha256:` and 16 hex digits). */
export function shapeFingerprint(shape: BundleShape): string {
  return `sha256:${createHash('sha256').update(canonicalJson(shape)).digest('hex').slice(0, 16)}`;
}

/** What differs between the bundle's shape and the config's, in a few phrases an operator can act on. */
export function describeShapeDifference(bundled: BundleShape, current: BundleShape): string[] {
  const lines: string[] = [];
  const theirs = new Map(bundled.tools.map((tool) => [tool.name, tool]));
  const ours = new Map(current.tools.map((tool) => [tool.name, tool]));
  const added = [...ours.keys()].filter((name) => !theirs.has(name));
  const removed = [...theirs.keys()].filter((name) => !ours.has(name));
  const changed = [...ours.keys()].filter((name) => theirs.has(name) && canonicalJson(theirs.get(name)) !== canonicalJson(ours.get(name)));
  if (added.length) lines.push(`the config adds tools the bundle lacks: ${list(added)}`);
  if (removed.length) lines.push(`the bundle has tools the config no longer defines: ${list(removed)}`);
  if (changed.length) lines.push(`the args differ for ${list(changed)}`);
  if (bundled.image !== current.image) lines.push(`the config names the image ${current.image}, the bundle runs ${bundled.image}`);
  const newEnv = current.env.filter((name) => !bundled.env.includes(name));
  const newSecrets = current.secrets.filter((name) => !bundled.secrets.includes(name));
  if (newEnv.length) lines.push(`the bundle does not pass the variables ${list(newEnv)}`);
  if (newSecrets.length) lines.push(`the bundle does not pass the secrets ${list(newSecrets)}`);
  return lines;
}

function list(names: string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}
