/** The AWS section of the config, resolved: where to reach AWS and how people map to AWS principals. */
import type { LockSettings } from './target-lock.js';
import type { VerifySettings } from './verified-write.js';

/**
 * How a person's email becomes an AWS principal. Patterns take `{email}`, `{local}` (the part before `@`),
 * `{domain}` and, for ARNs, `{account_id}` (the catalog entry's account). An explicit `overrides` entry wins
 * over the patterns; with `mapOnly` a person absent from `overrides` maps to nothing.
 */
export interface PrincipalMapping {
  /** IAM user name pattern. Default `{local}`. */
  iamUser: string;
  /** Identity Center (identity store) `UserName` pattern. Default `{email}`. */
  identityCenterUser: string;
  /** Principal ARN pattern admitted by role trust. Default `arn:aws:iam::{account_id}:user/{local}`. */
  principalArn: string;
  /** Emails whose domain is not listed map to nothing; empty means any domain. */
  allowedDomains: string[];
  /** Per-email explicit principals. */
  overrides: Record<string, { iamUser?: string; identityCenterUser?: string; principalArn?: string }>;
  /** When true, only emails in `overrides` map to a principal. */
  mapOnly: boolean;
}

/** One role whose trust policy a `role_trust_grant_<slug>` tool extends. */
export interface RoleTrustEntry {
  name: string;
  roleName: string;
  description: string;
  sessionDuration: string;
  /** Account of the role, used for `{account_id}` in the principal ARN pattern. */
  accountId?: string;
}

/** A policy template: statements whose `{bucket}` and `{account_id}` placeholders are filled per grant. */
export interface PolicyTemplate {
  description: string;
  statements: { actions: string[]; resources: string[] }[];
  /** A template the package ships; it carries explicit denies of permission management. */
  builtin?: boolean;
}

/** One config-defined dynamic policy (`iam_grant_<slug>`): a template rendered per grant. */
export interface DynamicPolicyEntry {
  name: string;
  description: string;
  template: string;
  sessionDuration: string;
  accountId?: string;
  buckets: string[];
  /** The entry says its template may allow permission-management actions (`allow_permission_management`). */
  allowPermissionManagement: boolean;
}

/** How long to wait for Identity Center's asynchronous assignment calls. */
export interface PollSettings {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Everything the AWS providers need besides a catalog entry's own settings. */
export interface AwsSettings {
  /** SDK region; the standard chain (`AWS_REGION`) applies when absent. */
  region?: string;
  /** Endpoint override (moto in tests); `AWS_ENDPOINT_URL` works too. */
  endpoint?: string;
  principals: PrincipalMapping;
  /** Identity Center instance; discovered with `ListInstances` when absent. */
  identityCenter: { instanceArn?: string; identityStoreId?: string };
  roleTrust: RoleTrustEntry[];
  policyTemplates: Record<string, PolicyTemplate>;
  dynamicPolicies: DynamicPolicyEntry[];
  poll: PollSettings;
  /** Per-target lock leases in the store (`aws.locks`). */
  locks: LockSettings;
  /** Read-back of trust policies and inline policies after writing them (`aws.verify`). */
  verify: VerifySettings;
  /** The account's quota on a role trust policy's length, without whitespace (`aws.trust_policy_max_chars`). */
  trustPolicyMaxChars: number;
}

/** The principal mapping used when the config says nothing. */
export const DEFAULT_PRINCIPAL_MAPPING: PrincipalMapping = {
  iamUser: '{local}',
  identityCenterUser: '{email}',
  principalArn: 'arn:aws:iam::{account_id}:user/{local}',
  allowedDomains: [],
  overrides: {},
  mapOnly: false,
};

/** AWS settings with every default applied; a base for tests and for a config with no `aws` section. */
export function defaultAwsSettings(overrides: Partial<AwsSettings> = {}): AwsSettings {
  return {
    principals: { ...DEFAULT_PRINCIPAL_MAPPING },
    identityCenter: {},
    roleTrust: [],
    policyTemplates: {},
    dynamicPolicies: [],
    poll: { maxAttempts: 20, initialDelayMs: 500, maxDelayMs: 5000 },
    locks: { leaseMs: 15_000, waitMs: 120_000 },
    verify: { reads: 5, delayMs: 200, writes: 3 },
    // IAM's default "Role trust policy length" quota; an account can have it raised to 4,096.
    trustPolicyMaxChars: 2048,
    ...overrides,
  };
}
