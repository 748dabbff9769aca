import { defaultAwsSettings, DEFAULT_PRINCIPAL_MAPPING, type AwsSettings } from '../../adapters/aws/aws-settings.js';
import { BUILTIN_TEMPLATES } from '../../adapters/aws/policy-document.js';
import { permissionManagementAllowed } from '../../adapters/aws/permission-management.js';
import { ConfigError } from '../../core/errors.js';
import { awsSectionSchema } from './aws-schemas.js';
import { compile } from './compile-schema.js';
import { assertValid, fieldPath } from './validate-json.js';

/** The `aws` section as written (snake_case), after schema validation. */
interface AwsSectionFile {
  region?: string;
  endpoint?: string;
  access_configs_file?: string;
  s3_configs_file?: string;
  access_configs?: Record<string, unknown>;
  s3_configs?: Record<string, unknown>;
  principals?: {
    iam_user?: string;
    identity_center_user?: string;
    principal_arn?: string;
    allowed_domains?: string[];
    map_only?: boolean;
    overrides?: Record<string, { iam_user?: string; identity_center_user?: string; principal_arn?: string }>;
  };
  identity_center?: { instance_arn?: string; identity_store_id?: string };
  role_trust?: { name: string; role_name: string; description: string; session_duration: string; account_id?: string; approver_groups?: string[]; approvals?: { required?: number; each_group?: boolean } }[];
  policy_templates?: Record<string, { description: string; statements: { actions: string[]; resources: string[] }[] }>;
  dynamic_policies?: { name: string; description: string; template: string; session_duration: string; account_id?: string; buckets?: string[]; approver_groups?: string[]; approvals?: { required?: number; each_group?: boolean }; allow_permission_management?: boolean }[];
  locks?: { lease_ms?: number; wait_ms?: number };
  verify?: { reads?: number; delay_ms?: number; writes?: number };
  trust_policy_max_chars?: number;
  poll?: { max_attempts?: number; initial_delay_ms?: number; max_delay_ms?: number };
}

/** The parsed section: the providers' settings plus what only the catalog needs (files, approver groups). */
export interface AwsSection {
  settings: AwsSettings;
  accessConfigsFile: string;
  s3ConfigsFile: string;
  /** `aws.access_configs` / `aws.s3_configs`: the entries inline, used instead of the files when present. */
  accessConfigsInline?: Record<string, unknown>;
  s3ConfigsInline?: Record<string, unknown>;
  raw: AwsSectionFile;
}

/**
 * Validates the config's `aws` section and resolves it into {@link AwsSettings} with defaults. An absent
 * section is all defaults; a bad one is a ConfigError naming the field.
 */
export async function parseAwsSection(section: unknown, where = 'the config'): Promise<AwsSection> {
  const raw = (section ?? {}) as AwsSectionFile;
  assertValid(await compile(awsSectionSchema), raw, `${where}: aws`, (parts) => ({ field: fieldPath(parts) }));
  for (const kind of ['access_configs', 's3_configs'] as const) {
    if (raw[kind] !== undefined && raw[`${kind}_file`] !== undefined) {
      throw new ConfigError(`${where}: aws.${kind} and aws.${kind}_file are both set: keep the entries inline or in the file, not both.`);
    }
  }
  const p = raw.principals ?? {};
  const overrides: AwsSettings['principals']['overrides'] = {};
  for (const [email, o] of Object.entries(p.overrides ?? {})) {
    overrides[email.toLowerCase()] = { iamUser: o.iam_user, identityCenterUser: o.identity_center_user, principalArn: o.principal_arn };
  }
  const defaults = defaultAwsSettings();
  const poll = { maxAttempts: raw.poll?.max_attempts ?? defaults.poll.maxAttempts, initialDelayMs: raw.poll?.initial_delay_ms ?? defaults.poll.initialDelayMs, maxDelayMs: raw.poll?.max_delay_ms ?? defaults.poll.maxDelayMs };
  if (poll.initialDelayMs > poll.maxDelayMs) throw new ConfigError(`${where}: aws.poll.initial_delay_ms (${poll.initialDelayMs}) is above aws.poll.max_delay_ms (${poll.maxDelayMs}).`);
  const policyTemplates = raw.policy_templates ?? {};
  for (const name of Object.keys(policyTemplates)) {
    if (BUILTIN_TEMPLATES[name]) throw new ConfigError(`${where}: aws.policy_templates.${name} would replace the built-in template of that name; choose another name.`);
  }
  for (const [i, entry] of (raw.dynamic_policies ?? []).entries()) {
    if (!policyTemplates[entry.template] && !BUILTIN_TEMPLATES[entry.template]) {
      throw new ConfigError(`${where}: aws.dynamic_policies[${i}] ("${entry.name}"), field template: "${entry.template}" is not a built-in template nor in aws.policy_templates.`);
    }
    // A template that can change permissions lets a grant outlive its TTL (a bucket policy, a new access key):
    // refused unless the entry says so.
    const hits = permissionManagementAllowed((policyTemplates[entry.template]?.statements ?? []).flatMap((statement) => statement.actions));
    if (hits.length > 0 && !entry.allow_permission_management) {
      const shown = hits.slice(0, 3).map((h) => (h.pattern === h.action ? h.action : `${h.action} (through "${h.pattern}")`));
      throw new ConfigError(
        `${where}: aws.dynamic_policies[${i}] ("${entry.name}"), template ${entry.template} allows ${shown.join(', ')}${hits.length > 3 ? ` and ${hits.length - 3} more permission-management actions` : ''}, with which a grant could give access that no expiry removes. Remove them from aws.policy_templates.${entry.template}, or set allow_permission_management: true on the entry if that is intended.`,
        { entry: entry.name, template: entry.template, actions: hits.map((h) => h.action) },
      );
    }
  }
  const settings: AwsSettings = {
    ...defaults,
    ...(raw.region ? { region: raw.region } : {}),
    ...(raw.endpoint ? { endpoint: raw.endpoint } : {}),
    principals: {
      iamUser: p.iam_user ?? DEFAULT_PRINCIPAL_MAPPING.iamUser,
      identityCenterUser: p.identity_center_user ?? DEFAULT_PRINCIPAL_MAPPING.identityCenterUser,
      principalArn: p.principal_arn ?? DEFAULT_PRINCIPAL_MAPPING.principalArn,
      allowedDomains: p.allowed_domains ?? [],
      overrides,
      mapOnly: p.map_only ?? false,
    },
    identityCenter: { instanceArn: raw.identity_center?.instance_arn, identityStoreId: raw.identity_center?.identity_store_id },
    roleTrust: (raw.role_trust ?? []).map((r) => ({ name: r.name, roleName: r.role_name, description: r.description, sessionDuration: r.session_duration, accountId: r.account_id })),
    policyTemplates,
    dynamicPolicies: (raw.dynamic_policies ?? []).map((d) => ({
      name: d.name,
      description: d.description,
      template: d.template,
      sessionDuration: d.session_duration,
      accountId: d.account_id,
      buckets: d.buckets ?? [],
      allowPermissionManagement: d.allow_permission_management ?? false,
    })),
    poll,
    locks: { leaseMs: raw.locks?.lease_ms ?? defaults.locks.leaseMs, waitMs: raw.locks?.wait_ms ?? defaults.locks.waitMs },
    verify: { reads: raw.verify?.reads ?? defaults.verify.reads, delayMs: raw.verify?.delay_ms ?? defaults.verify.delayMs, writes: raw.verify?.writes ?? defaults.verify.writes },
    trustPolicyMaxChars: raw.trust_policy_max_chars ?? defaults.trustPolicyMaxChars,
  };
  return {
    settings,
    accessConfigsFile: raw.access_configs_file ?? 'access_configs.json',
    s3ConfigsFile: raw.s3_configs_file ?? 's3_configs.json',
    ...(raw.access_configs ? { accessConfigsInline: raw.access_configs } : {}),
    ...(raw.s3_configs ? { s3ConfigsInline: raw.s3_configs } : {}),
    raw,
  };
}
