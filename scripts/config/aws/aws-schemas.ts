/**
 * JSON Schemas (draft-07, for ajv) of the AWS parts of the configuration: the jit config's `policies` list
 * and `aws` section, and the two files Kubiya's AWS JIT module uses, `access_configs.json` and
 * `s3_configs.json`. The files in configs/schema/ are these objects written out (a test keeps them equal).
 */

/** At most this many `policies`, one request tool each (the Guardian module's limit). */
export const MAX_POLICIES = 30;

const ISO_DURATION = '^P(?:\\d+W)?(?:\\d+D)?(?:T(?:\\d+H)?(?:\\d+M)?(?:\\d+S)?)?$';
const ACCOUNT_ID = '^\\d{12}$';
const IAM_NAME = '^[\\w+=,.@-]{1,128}$';
const BUCKET = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';
const GROUPS = { type: 'array', items: { type: 'string', minLength: 1 } };
/** `approvals: { required: 2 }`: how many distinct approvers the entry needs (default `approvals.required`). */
const APPROVALS = { type: 'object', additionalProperties: false, properties: { required: { type: 'integer', minimum: 1, maximum: 10 }, each_group: { type: 'boolean' } } } as const;
const TEXT = { type: 'string', minLength: 1, maxLength: 1024 };

/** The config's `policies`: existing IAM policies, each becoming `request_<request_name slug>`. */
export const policiesSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'policies',
  type: 'array',
  maxItems: MAX_POLICIES,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['policy_name', 'aws_account_id', 'request_name'],
    properties: {
      policy_name: { type: 'string', pattern: IAM_NAME },
      aws_account_id: { type: 'string', pattern: ACCOUNT_ID },
      request_name: { type: 'string', minLength: 1, maxLength: 100 },
      description: TEXT,
      session_duration: { type: 'string', pattern: ISO_DURATION },
      approver_groups: GROUPS,
      approvals: APPROVALS,
    },
  },
} as const;

/** `configs/access_configs.json`: Identity Center permission sets, keyed by display name. */
export const accessConfigsSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://kubiya-jit/schema/access_configs.schema.json',
  title: 'access_configs.json',
  type: 'object',
  propertyNames: { minLength: 1 },
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'description', 'account_id', 'permission_set', 'session_duration'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 100 },
      description: TEXT,
      account_id: { type: 'string', pattern: ACCOUNT_ID },
      permission_set: { type: 'string', pattern: '^[\\w+=,.@-]{1,32}$' },
      session_duration: { type: 'string', pattern: ISO_DURATION },
      approver_groups: GROUPS,
      approvals: APPROVALS,
      long_sessions: { enum: ['refuse', 'cap'] },
    },
  },
} as const;

/** `configs/s3_configs.json`: S3 bucket access from a template, keyed by display name. */
export const s3ConfigsSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://kubiya-jit/schema/s3_configs.schema.json',
  title: 's3_configs.json',
  type: 'object',
  propertyNames: { minLength: 1 },
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'description', 'buckets', 'policy_template', 'session_duration'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 100 },
      description: TEXT,
      buckets: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: BUCKET } },
      policy_template: { enum: ['S3ReadOnlyPolicy', 'S3FullAccessPolicy'] },
      session_duration: { type: 'string', pattern: ISO_DURATION },
      approver_groups: GROUPS,
      approvals: APPROVALS,
    },
  },
} as const;

const patternString = { type: 'string', minLength: 1 };

/** The config's `aws` section. */
export const awsSectionSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'aws',
  type: 'object',
  additionalProperties: false,
  properties: {
    region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
    endpoint: { type: 'string', pattern: '^https?://' },
    access_configs_file: patternString,
    s3_configs_file: patternString,
    // The entries of those files written inline (as JIT_CONFIG_JSON carries them); checked by the files' schemas.
    access_configs: { type: 'object' },
    s3_configs: { type: 'object' },
    principals: {
      type: 'object',
      additionalProperties: false,
      properties: {
        iam_user: patternString,
        identity_center_user: patternString,
        principal_arn: patternString,
        allowed_domains: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9.-]+\\.[a-z]{2,}$' } },
        map_only: { type: 'boolean' },
        overrides: {
          type: 'object',
          propertyNames: { pattern: '^[^\\s@]+@[^\\s@]+$' },
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: { iam_user: patternString, identity_center_user: patternString, principal_arn: patternString },
          },
        },
      },
    },
    identity_center: {
      type: 'object',
      additionalProperties: false,
      properties: { instance_arn: { type: 'string', pattern: '^arn:aws[\\w-]*:sso:::instance/' }, identity_store_id: patternString },
    },
    role_trust: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'role_name', 'description', 'session_duration'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          role_name: { type: 'string', pattern: '^[\\w+=,.@-]{1,64}$' },
          description: TEXT,
          session_duration: { type: 'string', pattern: ISO_DURATION },
          account_id: { type: 'string', pattern: ACCOUNT_ID },
          approver_groups: GROUPS,
      approvals: APPROVALS,
        },
      },
    },
    policy_templates: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['description', 'statements'],
        properties: {
          description: TEXT,
          statements: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['actions', 'resources'],
              properties: {
                actions: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[a-z0-9-]+:[A-Za-z0-9*?]+$' } },
                resources: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
              },
            },
          },
        },
      },
    },
    dynamic_policies: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'description', 'template', 'session_duration'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          description: TEXT,
          template: { type: 'string', minLength: 1 },
          session_duration: { type: 'string', pattern: ISO_DURATION },
          account_id: { type: 'string', pattern: ACCOUNT_ID },
          buckets: { type: 'array', items: { type: 'string', pattern: BUCKET } },
          approver_groups: GROUPS,
      approvals: APPROVALS,
          allow_permission_management: { type: 'boolean' },
        },
      },
    },
    locks: {
      type: 'object',
      additionalProperties: false,
      properties: { lease_ms: { type: 'integer', minimum: 1000, maximum: 600_000 }, wait_ms: { type: 'integer', minimum: 0, maximum: 3_600_000 } },
    },
    // IAM's "Role trust policy length" quota of the account: 2,048 by default, up to 4,096 when raised.
    trust_policy_max_chars: { type: 'integer', minimum: 256, maximum: 4096 },
    verify: {
      type: 'object',
      additionalProperties: false,
      properties: { reads: { type: 'integer', minimum: 1, maximum: 50 }, delay_ms: { type: 'integer', minimum: 1, maximum: 60_000 }, writes: { type: 'integer', minimum: 1, maximum: 10 } },
    },
    poll: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_attempts: { type: 'integer', minimum: 1, maximum: 200 },
        initial_delay_ms: { type: 'integer', minimum: 1 },
        max_delay_ms: { type: 'integer', minimum: 1 },
      },
    },
  },
} as const;
