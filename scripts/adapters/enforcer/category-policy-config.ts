/**
 * The config for the tool-category policy (`kubiya-jit enforcer policy`): which group administers access,
 * and which tools are admin, restricted or revoke tools. A TypeScript type, the JSON Schema the config
 * loader embeds, and the mapping to the renderer's input.
 */
import type { CategoryPolicyInput } from './render-category-policy.js';

/** The package's own tools that only approvers may run, when the config names none. */
export const DEFAULT_ADMIN_TOOLS: readonly string[] = [
  'approve_tool_access_request',
  'list_active_access_requests',
  'describe_access_request',
  'search_access_requests',
];

/** The package's own revoke tool, when the config names none. */
export const DEFAULT_REVOKE_TOOLS: readonly string[] = ['revoke_access'];

/** The `enforcer.policy` config section, as written in the config file. */
export interface CategoryPolicyConfig {
  /** The group whose members may run admin and revoke tools. */
  approver_group: string;
  admin_tools?: string[];
  /** Tools denied to everyone unless a JIT grant is in force. */
  restricted_tools?: string[];
  revoke_tools?: string[];
}

const toolList = {
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: 200 },
  uniqueItems: true,
} as const;

/** JSON Schema for {@link CategoryPolicyConfig}. */
export const categoryConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['approver_group'],
  properties: {
    approver_group: { type: 'string', minLength: 1, maxLength: 200, description: 'Group whose members may run admin and revoke tools.' },
    admin_tools: { ...toolList, description: 'Tools only the approver group may run (default: approve, list, describe, search).' },
    restricted_tools: { ...toolList, description: 'Tools denied unless a just-in-time grant is in force.' },
    revoke_tools: { ...toolList, description: 'Tools that end access; approver group only (default: revoke_access).' },
  },
} as const;

/**
 * The renderer's input for a config section, with the defaults filled in. `restricted` is usually the
 * catalog's Enforcer tools, which the caller may add.
 */
export function categoryPolicyInput(config: CategoryPolicyConfig, extraRestricted: readonly string[] = []): CategoryPolicyInput {
  return {
    approverGroups: [config.approver_group],
    adminTools: [...(config.admin_tools ?? DEFAULT_ADMIN_TOOLS)],
    restrictedTools: [...new Set([...(config.restricted_tools ?? []), ...extraRestricted])],
    revokeTools: [...(config.revoke_tools ?? DEFAULT_REVOKE_TOOLS)],
  };
}
