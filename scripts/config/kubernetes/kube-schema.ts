/** JSON Schema of the config's `kubernetes` section (checked by the Kubernetes catalog loader). */

const duration = { type: 'string', pattern: '^\\s*(\\d+\\s*[smhdw]|(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?|P.*)\\s*$', minLength: 1 } as const;
const groupList = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, uniqueItems: true } as const;
const pattern = { type: 'string', pattern: '^[a-z0-9*]([-a-z0-9*]{0,62})$' } as const;
const envName = { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' } as const;
// ClusterRole names are DNS subdomains; `:` appears in built-in ones (system:aggregate-to-edit).
const roleName = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.:]{0,251}[a-z0-9])?$' } as const;

/** At most this many namespaces in one request: each is one RoleBinding to write and to remove. */
export const MAX_NAMESPACES = 20;

/** The `kubernetes` section. */
export const kubeSectionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clusters'],
  properties: {
    clusters: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'connection', 'roles'],
        properties: {
          // It becomes part of tool names (k8s_request_<name>) and of a label value.
          name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' },
          description: { type: 'string', minLength: 1, maxLength: 300 },
          connection: {
            oneOf: [
              { type: 'object', additionalProperties: false, required: ['in_cluster'], properties: { in_cluster: { const: true } } },
              { type: 'object', additionalProperties: false, required: ['kubeconfig_env'], properties: { kubeconfig_env: envName, context: { type: 'string', minLength: 1, maxLength: 253 } } },
            ],
          },
          roles: { type: 'array', minItems: 1, uniqueItems: true, items: roleName },
          cluster_wide: { type: 'boolean' },
          namespaces: {
            type: 'object',
            additionalProperties: false,
            properties: { allow: { type: 'array', items: pattern, minItems: 1 }, deny: { type: 'array', items: pattern } },
          },
          subjects: {
            type: 'object',
            additionalProperties: false,
            properties: {
              kind: { enum: ['User', 'Group'] },
              name: { type: 'string', minLength: 1, maxLength: 253 },
              allowed_domains: { type: 'array', items: { type: 'string', minLength: 1 } },
              overrides: { type: 'object', additionalProperties: { type: 'string', minLength: 1, maxLength: 253 } },
            },
          },
          max_ttl: duration,
          approver_groups: groupList,
          approvals: { type: 'object', additionalProperties: false, properties: { required: { type: 'integer', minimum: 1, maximum: 10 }, each_group: { type: 'boolean' } } },
          requester_groups: groupList,
          namespace_approvers: { type: 'object', propertyNames: pattern, additionalProperties: groupList },
          annotation_allowlist: groupList,
        },
      },
    },
  },
} as const;
