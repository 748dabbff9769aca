import type { AwsSettings } from '../../adapters/aws/aws-settings.js';
import { slugify } from '../../adapters/aws/grant-names.js';
import type { CatalogEntry } from '../../core/catalog.js';
import { parseDuration } from '../../core/duration.js';
import { ConfigError, ValidationError } from '../../core/errors.js';
import type { Json } from '../../core/types.js';
import { loadAccessConfigs, loadS3Configs } from './aws-files.js';
import { parseAwsSection } from './aws-section.js';
import { awsEntry } from './aws-entry.js';
import { MAX_POLICIES, policiesSchema } from './aws-schemas.js';
import { compile } from './compile-schema.js';
import { assertValid, fieldPath } from './validate-json.js';

/** What {@link loadAwsCatalog} reads. */
export interface AwsCatalogOptions {
  /** The folder of the config file; `access_configs.json` and `s3_configs.json` are read from it. */
  configDir: string;
  /** The config's `policies` list, as parsed. */
  policies: unknown;
  /** The config's `aws` section, as parsed. */
  aws: unknown;
  defaults: { maxTtlSeconds: number; approverGroups?: string[] };
  /** The config file's path, to name it in errors (default: "the config"). */
  configPath?: string;
  /** How errors name the config (default `the config`; `JIT_CONFIG_JSON (…)` for one from the environment). */
  where?: string;
}

interface PolicyConfig {
  policy_name: string;
  aws_account_id: string;
  request_name: string;
  description?: string;
  session_duration?: string;
  approver_groups?: string[];
  approvals?: { required?: number; each_group?: boolean };
}

/**
 * Builds the policy-generated catalog entries, each with a dedicated tool:
 * `policies` → `request_<request_name>` (aws-iam-policy);
 * `access_configs.json` → `jit_session_grant_<name>` + `jit_session_revoke_<name>` (aws-identity-center);
 * `s3_configs.json` → `s3_grant_<name>` + `s3_revoke_<name>` (aws-s3);
 * `aws.role_trust` → `role_trust_grant_<name>` + `role_trust_revoke_<name>` (aws-role-trust);
 * `aws.dynamic_policies` → `iam_grant_<name>` + `iam_revoke_<name>` (aws-iam-dynamic).
 * `<name>` is the entry's name slug (lowercase, non-alphanumerics → `_`), as Kubiya's module names them.
 * Any bad input is a ConfigError naming the file, the entry and the field.
 */
export async function loadAwsCatalog(options: AwsCatalogOptions): Promise<{ entries: CatalogEntry[]; settings: AwsSettings }> {
  const cfg = options.where ?? 'the config';
  const section = await parseAwsSection(options.aws, cfg);
  const entries: CatalogEntry[] = [];
  // Where each entry came from (file and entry), so a clash of generated tool names names both.
  const sources = new Map<CatalogEntry, string>();
  const configName = options.configPath ?? 'the config';
  const base = (name: string, description: string, provider: string, settings: Record<string, Json>, duration: string | undefined, groups: string[] | undefined, where: string, revokeTool?: string, approvals?: { required?: number; each_group?: boolean }) =>
    tag(where, awsEntry({
      name,
      description,
      provider,
      settings,
      maxTtlSeconds: duration ? durationSeconds(duration, where) : options.defaults.maxTtlSeconds,
      approverGroups: groups ?? options.defaults.approverGroups,
      revokeTool,
      approvalsRequired: approvals?.required,
      approvalsEachGroup: approvals?.each_group,
    }));
  const tag = (where: string, entry: CatalogEntry): CatalogEntry => {
    sources.set(entry, where.replace(/, field [\w.[\]]+$/, '').replace(/^the config/, configName));
    return entry;
  };

  for (const [i, policy] of (await validatePolicies(options.policies, cfg)).entries()) {
    const slug = requireSlug(policy.request_name, `${cfg}: policies[${i}], field request_name`);
    const description = policy.description ?? `Request temporary access to the IAM policy ${policy.policy_name} in AWS account ${policy.aws_account_id} (${policy.request_name}).`;
    entries.push(
      base(`request_${slug}`, description, 'aws-iam-policy', { policy_name: policy.policy_name, aws_account_id: policy.aws_account_id, request_name: policy.request_name }, policy.session_duration, policy.approver_groups, `${cfg}: policies[${i}] (${JSON.stringify(policy.request_name)})`, undefined, policy.approvals),
    );
  }

  const inline = (data: unknown, key: string) => (data === undefined ? undefined : { data, label: `${cfg}: aws.${key}` });
  const access = await loadAccessConfigs(options.configDir, section.accessConfigsFile, inline(section.accessConfigsInline, 'access_configs'));
  for (const [key, config] of Object.entries(access.entries)) {
    const where = `${access.path}: entry ${JSON.stringify(key)}`;
    const slug = requireSlug(config.name, `${where}, field name`);
    // The maximum TTL and the long-session rule travel with the grant: the provider compares the permission
    // set's session duration with them at preview and at grant time.
    const maxTtlSeconds = durationSeconds(config.session_duration, `${where}, field session_duration`);
    const settings = { account_id: config.account_id, permission_set: config.permission_set, display_name: key, max_ttl_seconds: maxTtlSeconds, long_sessions: config.long_sessions ?? 'refuse' };
    entries.push(base(`jit_session_grant_${slug}`, config.description, 'aws-identity-center', settings, config.session_duration, config.approver_groups, `${where}, field session_duration`, `jit_session_revoke_${slug}`, config.approvals));
  }

  const s3 = await loadS3Configs(options.configDir, section.s3ConfigsFile, inline(section.s3ConfigsInline, 's3_configs'));
  for (const [key, config] of Object.entries(s3.entries)) {
    const where = `${s3.path}: entry ${JSON.stringify(key)}`;
    const slug = requireSlug(config.name, `${where}, field name`);
    const settings = { buckets: config.buckets, policy_template: config.policy_template, display_name: key };
    entries.push(base(`s3_grant_${slug}`, config.description, 'aws-s3', settings, config.session_duration, config.approver_groups, `${where}, field session_duration`, `s3_revoke_${slug}`, config.approvals));
  }

  for (const [i, role] of section.settings.roleTrust.entries()) {
    const where = `${cfg}: aws.role_trust[${i}] (${JSON.stringify(role.name)})`;
    const slug = requireSlug(role.name, `${where}, field name`);
    const settings: Record<string, Json> = { role_name: role.roleName, ...(role.accountId ? { account_id: role.accountId } : {}) };
    const groups = section.raw.role_trust?.[i]?.approver_groups;
    entries.push(base(`role_trust_grant_${slug}`, role.description, 'aws-role-trust', settings, role.sessionDuration, groups, `${where}, field session_duration`, `role_trust_revoke_${slug}`, section.raw.role_trust?.[i]?.approvals));
  }

  for (const [i, dynamic] of section.settings.dynamicPolicies.entries()) {
    const where = `${cfg}: aws.dynamic_policies[${i}] (${JSON.stringify(dynamic.name)})`;
    const slug = requireSlug(dynamic.name, `${where}, field name`);
    const settings: Record<string, Json> = { template: dynamic.template, buckets: dynamic.buckets, ...(dynamic.accountId ? { account_id: dynamic.accountId } : {}) };
    const groups = section.raw.dynamic_policies?.[i]?.approver_groups;
    entries.push(base(`iam_grant_${slug}`, dynamic.description, 'aws-iam-dynamic', settings, dynamic.sessionDuration, groups, `${where}, field session_duration`, `iam_revoke_${slug}`, section.raw.dynamic_policies?.[i]?.approvals));
  }

  assertUniqueNames(entries, sources);
  return { entries, settings: section.settings };
}

async function validatePolicies(policies: unknown, cfg: string): Promise<PolicyConfig[]> {
  if (policies === undefined || policies === null) return [];
  if (Array.isArray(policies) && policies.length > MAX_POLICIES) {
    throw new ConfigError(
      `${cfg}: policies has ${policies.length} entries; at most ${MAX_POLICIES} are supported (each becomes a request tool). Remove ${policies.length - MAX_POLICIES}, or use access_configs.json for the rest.`,
      { count: policies.length, max: MAX_POLICIES },
    );
  }
  assertValid(await compile(policiesSchema), policies, `${cfg}: policies`, ([index, ...rest]) => {
    const name = Array.isArray(policies) && index !== undefined ? (policies[Number(index)] as { request_name?: unknown })?.request_name : undefined;
    return { ...(index !== undefined ? { entry: `[${index}]${typeof name === 'string' ? ` (${JSON.stringify(name)})` : ''}` } : {}), field: fieldPath(rest) };
  });
  return policies as PolicyConfig[];
}

function durationSeconds(text: string, where: string): number {
  try {
    return parseDuration(text, 'session_duration');
  } catch (err) {
    if (err instanceof ValidationError) throw new ConfigError(`${where}: "${text}" is not a positive ISO 8601 duration such as PT1H.`);
    throw err;
  }
}

function requireSlug(name: string, where: string): string {
  const slug = slugify(name);
  if (!slug) throw new ConfigError(`${where}: "${name}" has no letters or digits to build a tool name from.`);
  return slug;
}

function assertUniqueNames(entries: CatalogEntry[], sources: Map<CatalogEntry, string>): void {
  const seen = new Map<string, CatalogEntry>();
  for (const entry of entries) {
    for (const name of [entry.name, entry.dedicatedTool?.revokeTool].filter((n): n is string => Boolean(n))) {
      const other = seen.get(name);
      if (other) {
        throw new ConfigError(`Two AWS entries produce the tool name ${name}: ${sources.get(other) ?? other.name} and ${sources.get(entry) ?? entry.name}. Rename one of them.`, {
          tool: name,
          entries: [sources.get(other) ?? other.name, sources.get(entry) ?? entry.name],
        });
      }
      seen.set(name, entry);
    }
  }
}
