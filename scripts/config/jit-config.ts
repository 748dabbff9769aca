import type { StoreSection } from '../adapters/store/postgres-settings.js';

/** The config file's shape after schema validation (snake_case, as written). */
export interface JitConfigFile {
  requesters?: { allowed_groups?: string[]; allow_on_behalf?: boolean; max_requests_per_hour?: number };
  approvals?: {
    default_approver_groups?: string[];
    timeout?: string;
    max_refused_decisions?: number;
    /** Distinct approvers every requirement needs, unless an entry says otherwise (default 1). */
    required?: number;
    knowledge?: { dir?: string; allowlist: string[]; min_score?: number };
  };
  directory?: {
    type: 'config' | 'okta' | 'github' | 'google' | 'microsoft';
    groups?: Record<string, (string | { email: string; status?: 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED' })[]>;
    membership_cache?: string;
    member_list_cache?: string;
    /** github, google, microsoft: longest total wait for rate limits in one lookup. */
    max_rate_limit_wait?: string;
    /** github: the organisation whose teams are the groups. */
    organization?: string;
    /** github: the email mapping file, relative to the config file, or its entries inline. */
    email_mapping?: string | Record<string, unknown>[];
    /** github: read emails from the organisation's SAML identities (default true). */
    saml_emails?: boolean;
    /** google: the Workspace admin the service account acts as. */
    admin_email?: string;
  };
  enforcer?: { type: 'opa' | 'kubiya' | 'none'; url?: string; token_env?: string };
  expiry?: {
    warn_before?: string;
    alert_after_failures?: number;
    max_retry_delay?: string;
    granting_lease?: string;
    concurrency?: number;
    removal_lease?: string;
    notify_attempts?: number;
  };
  defaults?: { max_ttl?: string; default_ttl?: string };
  tools?: ToolConfig[];
  policies?: unknown[];
  aws?: Record<string, unknown> & { access_configs?: Record<string, unknown>; s3_configs?: Record<string, unknown> };
  /** Kubernetes clusters (checked by scripts/config/kubernetes/load-kube-catalog.ts). */
  kubernetes?: Record<string, unknown>;
  bundle?: { image?: string; env?: string[]; secrets?: string[] };
  analytics?: AnalyticsConfig;
  console?: ConsoleConfig;
  store?: StoreSection;
}

/** The `analytics` section: the thresholds behind the security and pattern figures. */
export interface AnalyticsConfig {
  time_zone?: string;
  working_hours?: string;
  working_days?: ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
  rubber_stamp_under?: string;
  standing_access_after?: number;
  concentration_share?: number;
  expiry_lag_tolerance?: string;
}

/** The `console` section: the web console and HTTP API (`kubiya-jit serve`). */
export interface ConsoleConfig {
  base_url?: string;
  cookie_secret_env?: string;
  session_idle_timeout?: string;
  session_absolute_timeout?: string;
  token_max_ttl?: string;
  auditor_groups?: string[];
  providers?: {
    google?: ConsoleProviderConfig;
    microsoft?: ConsoleProviderConfig & { tenant_id: string };
    github?: ConsoleProviderConfig & { api_url?: string };
  };
}

/** One sign-in provider: the OAuth client registered with it, the secret by variable name. */
export interface ConsoleProviderConfig {
  client_id: string;
  client_secret_env?: string;
  /** Where the provider lives, when not its public address (GitHub Enterprise, a test stand-in). */
  issuer?: string;
}

/** One Kubiya tool that can be requested through the Enforcer. */
export interface ToolConfig {
  name: string;
  description: string;
  max_ttl?: string;
  default_ttl?: string;
  approver_groups?: string[];
  /** `required`: distinct approvers this tool needs (default `approvals.required`). */
  approvals?: { required?: number; each_group?: boolean };
  requester_groups?: string[];
  /** JSON Schema of the tool's parameters. */
  parameters?: Record<string, unknown>;
}

/** A loaded config: the validated file plus where it came from (relative paths resolve against `dir`). */
export interface LoadedConfig {
  file: JitConfigFile;
  /** The file's path, or the label of the variable it came from; errors name the config by it. */
  path: string;
  dir: string;
  /** A YAML/JSON file, the package a bundle tool carries, or the `JIT_CONFIG_JSON` variable (absent: a file). */
  origin?: 'file' | 'bundle' | 'env';
  /** The knowledge documents carried with the config (the bundle's), by file name, read on first use. */
  documents?: () => Promise<Record<string, string> | undefined>;
}
