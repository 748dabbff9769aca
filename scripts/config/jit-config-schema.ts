import { enforcerConfigSchema } from '../adapters/enforcer/enforcer-config.js';
import { MAX_POLICIES } from './aws/aws-schemas.js';
import { consoleConfigSchema } from './console-config-schema.js';

const duration = { type: 'string', pattern: '^\\s*(\\d+\\s*[smhdw]|(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?|P.*)\\s*$', minLength: 1 } as const;
const groupName = { type: 'string', minLength: 1, maxLength: 200 } as const;
const groupList = { type: 'array', items: groupName, uniqueItems: true } as const;
const toolName = { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_-]{0,63}$' } as const;

/**
 * JSON Schema of the package's config file (`configs/jit.yaml` or `.json`). The `policies` and `aws`
 * sections are checked by the AWS config loader, which knows their rules; the Enforcer section by its adapter's
 * schema. Every key is snake_case, as in Kubiya's own configs.
 */
export const jitConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    requesters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        allowed_groups: groupList,
        allow_on_behalf: { type: 'boolean' },
        max_requests_per_hour: { type: 'integer', minimum: 1, maximum: 10000 },
      },
    },
    approvals: {
      type: 'object',
      additionalProperties: false,
      properties: {
        default_approver_groups: groupList,
        timeout: duration,
        max_refused_decisions: { type: 'integer', minimum: 1, maximum: 10000 },
        required: { type: 'integer', minimum: 1, maximum: 10 },
        knowledge: {
          type: 'object',
          additionalProperties: false,
          required: ['allowlist'],
          properties: {
            dir: { type: 'string', minLength: 1 },
            allowlist: groupList,
            min_score: { type: 'number', minimum: 0 },
          },
        },
      },
    },
    directory: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: ['config', 'okta', 'github', 'google', 'microsoft'] },
        groups: {
          type: 'object',
          additionalProperties: {
            type: 'array',
            items: {
              anyOf: [
                { type: 'string', minLength: 3 },
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['email'],
                  properties: { email: { type: 'string', minLength: 3 }, status: { enum: ['ACTIVE', 'SUSPENDED', 'DEPROVISIONED'] } },
                },
              ],
            },
          },
        },
        membership_cache: duration,
        member_list_cache: duration,
        max_rate_limit_wait: duration,
        organization: { type: 'string', minLength: 1, maxLength: 39 },
        // A file (relative to the config) or, as the bundle carries it, the list itself.
        email_mapping: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'object' } }] },
        saml_emails: { type: 'boolean' },
        admin_email: { type: 'string', minLength: 3 },
      },
    },
    enforcer: enforcerConfigSchema,
    expiry: {
      type: 'object',
      additionalProperties: false,
      properties: {
        warn_before: duration,
        alert_after_failures: { type: 'integer', minimum: 1, maximum: 100 },
        max_retry_delay: duration,
        granting_lease: duration,
        concurrency: { type: 'integer', minimum: 1, maximum: 64 },
        removal_lease: duration,
        notify_attempts: { type: 'integer', minimum: 1, maximum: 100 },
      },
    },
    defaults: {
      type: 'object',
      additionalProperties: false,
      properties: { max_ttl: duration, default_ttl: duration },
    },
    tools: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'description'],
        properties: {
          name: toolName,
          description: { type: 'string', minLength: 1, maxLength: 1024 },
          max_ttl: duration,
          default_ttl: duration,
          approver_groups: groupList,
          approvals: { type: 'object', additionalProperties: false, properties: { required: { type: 'integer', minimum: 1, maximum: 10 }, each_group: { type: 'boolean' } } },
          requester_groups: groupList,
          parameters: { type: 'object' },
        },
      },
    },
    // The count is checked here too, so every command (queries included, which never load the catalog) refuses it.
    policies: { type: 'array', maxItems: MAX_POLICIES },
    aws: { type: 'object' },
    // Checked by the Kubernetes catalog loader (scripts/config/kubernetes/kube-schema.ts).
    kubernetes: { type: 'object' },
    analytics: {
      type: 'object',
      additionalProperties: false,
      properties: {
        time_zone: { type: 'string', minLength: 1, maxLength: 64 },
        working_hours: { type: 'string', pattern: '^\\s*\\d{1,2}:\\d{2}\\s*-\\s*\\d{1,2}:\\d{2}\\s*$' },
        working_days: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } },
        rubber_stamp_under: duration,
        standing_access_after: { type: 'integer', minimum: 2, maximum: 1000 },
        concentration_share: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        expiry_lag_tolerance: duration,
      },
    },
    // The web console and HTTP API (`kubiya-jit serve`); see docs/console.md.
    console: consoleConfigSchema,
    store: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: ['sqlite', 'postgres'] },
        pool_size: { type: 'integer', minimum: 1, maximum: 100 },
        connect_timeout: { type: 'string', pattern: '^\\s*\\d+\\s*(ms|s|m)?\\s*$' },
        tls: {
          type: 'object',
          additionalProperties: false,
          properties: {
            mode: { enum: ['disable', 'require', 'verify-ca', 'verify-full'] },
            ca_file: { type: 'string', minLength: 1 },
          },
        },
      },
    },
    bundle: {
      type: 'object',
      additionalProperties: false,
      properties: {
        image: { type: 'string', minLength: 1 },
        // Extra variable names the tools receive, beyond the ones the package always passes.
        env: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' } },
        secrets: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' } },
      },
    },
  },
} as const;
