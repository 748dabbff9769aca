/**
 * The `enforcer` section of the package's config: which Enforcer adapter to use and how to reach it, as a
 * TypeScript type and the JSON Schema the config loader embeds (it validates with ajv).
 */

/** Which Enforcer adapter to use. */
export type EnforcerType = 'opa' | 'kubiya' | 'none';

/** The `enforcer` config section. */
export interface EnforcerConfig {
  type: EnforcerType;
  /** Base URL of OPA or the Kubiya Enforcer; `ENFORCER_URL` overrides it. Required for `opa` and `kubiya`. */
  url?: string;
  /** Name of the environment variable holding OPA's bearer token (OPA run with `--authentication=token`). */
  token_env?: string;
}

/**
 * JSON Schema (draft 2020-12 / draft-07 compatible) for {@link EnforcerConfig}. `url` stays optional here
 * because `ENFORCER_URL` may supply it; {@link createEnforcer} rejects a missing one. `token_env` is only
 * meaningful for `opa` (the Kubiya Enforcer's API has no auth), so it is refused with other types.
 */
export const enforcerConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { enum: ['opa', 'kubiya', 'none'], description: 'opa: OPA REST data API; kubiya: the Kubiya Enforcer /requests API; none: no Enforcer.' },
    url: { type: 'string', pattern: '^https?://[^\\s]+$', description: 'Base URL, e.g. http://opa.kubiya:8181 or http://enforcer.kubiya:5001.' },
    token_env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Environment variable that holds the OPA bearer token.' },
  },
  if: { properties: { type: { not: { const: 'opa' } } } },
  then: { not: { required: ['token_env'] } },
} as const;
