import type { Json } from './types.js';

/** One problem with a request's parameters: where (`/region`) and what. */
export interface ParamIssue {
  path: string;
  message: string;
}

/**
 * One requestable thing: a Kubiya tool behind the Enforcer, an IAM policy, a permission set, S3 buckets, a
 * role. The config layer builds these; the core only reads them.
 */
export interface CatalogEntry {
  /** The name a request names (`tool_name`), e.g. `create_ec2` or `jit_session_grant_db_staging`. */
  name: string;
  description: string;
  /** The access provider that grants it: `enforcer`, `aws-iam-policy`, `aws-identity-center`, … */
  provider: string;
  /** Provider settings from the config (account id, policy name, buckets, …). */
  settings: Record<string, Json>;
  maxTtlSeconds: number;
  defaultTtlSeconds: number;
  /** Approver groups named explicitly in the config; they win over knowledge retrieval. */
  approverGroups?: string[];
  /** Distinct approvers each requirement needs (`approvals.required` on the entry); the config's default when absent. */
  approvalsRequired?: number;
  /** Each approver group must approve on its own (`approvals.each_group`), rather than any one of them. */
  approvalsEachGroup?: boolean;
  /** Requester groups for this entry; when absent the config's allowed requester groups apply. */
  requesterGroups?: string[];
  /** The JSON Schema of `tool_params`, shown to the teammate. */
  paramsSchema: Json;
  /** Checks `tool_params` against the schema; an empty list means valid. */
  validateParams(params: Record<string, Json>): ParamIssue[];
  /**
   * Set for policy-generated entries (IAM policies, access configs, S3 configs): the bundle gets a
   * dedicated request tool named `name` and, when `revokeTool` is set, a tool of that name that ends the
   * caller's active grant of this entry early.
   */
  dedicatedTool?: { revokeTool?: string };
}

/** The requestable entries, by name. */
export interface Catalog {
  get(name: string): CatalogEntry | undefined;
  list(): CatalogEntry[];
}

/** A catalog over a fixed list of entries. */
export class StaticCatalog implements Catalog {
  private readonly byName: Map<string, CatalogEntry>;

  constructor(entries: CatalogEntry[]) {
    this.byName = new Map(entries.map((entry) => [entry.name, entry]));
  }

  get(name: string): CatalogEntry | undefined {
    return this.byName.get(name);
  }

  list(): CatalogEntry[] {
    return [...this.byName.values()];
  }
}
