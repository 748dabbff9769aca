const duration = { type: 'string', pattern: '^\\s*(\\d+\\s*[smhdw]|(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?|P.*)\\s*$', minLength: 1 } as const;
const envName = { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' } as const;
const url = { type: 'string', pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*)?$' } as const;

const provider = (extra: Record<string, unknown> = {}, required: string[] = []) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['client_id', ...required],
    properties: {
      client_id: { type: 'string', minLength: 1, maxLength: 300 },
      client_secret_env: envName,
      issuer: url,
      ...extra,
    },
  }) as const;

/** JSON Schema of the config's `console` section (the web console and HTTP API). */
export const consoleConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    base_url: url,
    cookie_secret_env: envName,
    session_idle_timeout: duration,
    session_absolute_timeout: duration,
    token_max_ttl: duration,
    auditor_groups: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 200 } },
    providers: {
      type: 'object',
      additionalProperties: false,
      properties: {
        google: provider(),
        microsoft: provider({ tenant_id: { type: 'string', pattern: '^[A-Za-z0-9.-]{1,100}$' } }, ['tenant_id']),
        github: provider({ api_url: url }),
      },
    },
  },
} as const;
