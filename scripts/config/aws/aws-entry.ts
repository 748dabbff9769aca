import type { CatalogEntry } from '../../core/catalog.js';
import type { Json } from '../../core/types.js';

/** The fields that differ between policy-generated AWS entries. */
export interface AwsEntryInput {
  name: string;
  description: string;
  provider: string;
  settings: Record<string, Json>;
  maxTtlSeconds: number;
  approverGroups?: string[];
  /** Distinct approvers each requirement needs, when the entry sets `approvals.required`. */
  approvalsRequired?: number;
  /** Every approver group must approve on its own (`approvals.each_group`). */
  approvalsEachGroup?: boolean;
  revokeTool?: string;
}

const NO_PARAMS = { type: 'object', additionalProperties: false, properties: {} } as const;

/**
 * A policy-generated catalog entry with a dedicated tool. These entries take no `tool_params`: what they
 * grant is fixed by the config, so any parameter is refused rather than silently ignored. The default TTL
 * is one hour, or the maximum when that is shorter.
 */
export function awsEntry(input: AwsEntryInput): CatalogEntry {
  return {
    name: input.name,
    description: input.description,
    provider: input.provider,
    settings: input.settings,
    maxTtlSeconds: input.maxTtlSeconds,
    defaultTtlSeconds: Math.min(3600, input.maxTtlSeconds),
    ...(input.approverGroups && input.approverGroups.length > 0 ? { approverGroups: input.approverGroups } : {}),
    ...(input.approvalsRequired ? { approvalsRequired: input.approvalsRequired } : {}),
    ...(input.approvalsEachGroup ? { approvalsEachGroup: true } : {}),
    paramsSchema: { ...NO_PARAMS, properties: {} },
    validateParams: (params) =>
      Object.keys(params).map((key) => ({ path: `/${key}`, message: `${input.name} takes no parameters; remove "${key}" (what it grants is fixed by the config).` })),
    dedicatedTool: input.revokeTool ? { revokeTool: input.revokeTool } : {},
  };
}
