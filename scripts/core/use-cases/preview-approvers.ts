import type { CatalogEntry } from '../catalog.js';
import { identityOrUndefined } from '../identity.js';
import { resolveParty } from '../people.js';
import type { ApprovalRequirement, ApproverRouting, Json } from '../types.js';
import { explainApprovers, type GroupExplanation } from './explain-approvers.js';
import type { JitDeps } from './deps.js';
import { grantContext } from './grant-context.js';
import { routeWithOwners, type RoutedApprovals } from './owner-routing.js';
import { approversForRequirements, unionOf } from './requirement-approvers.js';
import { checkParams, findEntry, parseParams } from './request-validation.js';

/** One approval the request would need, and the people who could give it. */
export interface RequirementPreview extends ApprovalRequirement {
  /** ACTIVE members of the requirement's groups, the requester left out. */
  approvers: string[];
}

/** Who would approve a request, and why, as a dry run. */
export interface ApproversPreview {
  entry: CatalogEntry;
  routing: ApproverRouting;
  approvers: string[];
  /** Each approval the request would need (one per owning group, each `required` people), with who may give it. */
  requirements: RequirementPreview[];
  /** Per group: where its members came from, who may approve and who is not counted, and why. */
  directory: GroupExplanation[];
}

/** The id the provider sees for a request that is never made: a valid label value that no request ever has. */
const PREVIEW_ID = 'req_preview';

/**
 * The approvers dry run: routes a request that is not made and stores nothing. With parameters, an entry whose
 * provider names owners (Kubernetes namespaces) is checked and routed as `requestAccess` does (parameters, the
 * provider's validation when the requester is known, the owners of each target), so it shows one requirement
 * per owning group; without parameters, or for other providers, the usual routing (with `approvals.each_group`,
 * one requirement per group). `requester`, when known, is left out of the approvers, as on a real request.
 */
export async function previewApprovers(
  deps: JitDeps,
  input: { toolName: string | undefined; toolParams: string | undefined; justification: string | undefined; requester?: string | undefined },
): Promise<ApproversPreview> {
  const entry = findEntry(deps, input.toolName);
  const params = parseParams(input.toolParams);
  const requester = identityOrUndefined(input.requester);
  const exclude = requester ? [await resolveParty(deps.directory, requester)] : [];
  const { routing, requirements } = await route(deps, entry, params, input.justification ?? '', requester);
  // The same refusal a real request would meet when a requirement cannot be met by enough people.
  const lists = await approversForRequirements(deps, requirements, exclude);
  const approvers = unionOf(lists).map((p) => p.email);
  const shown = requirements.map((r, i) => ({ ...r, approvers: lists[i]!.map((p) => p.email) }));
  const directory = await explainApprovers(deps, routing.groups, exclude);
  return { entry, routing, approvers, requirements: shown, directory };
}

async function route(deps: JitDeps, entry: CatalogEntry, params: Record<string, Json>, justification: string, requester: string | undefined): Promise<RoutedApprovals> {
  const required = entry.approvalsRequired ?? deps.policy.approvalsRequired;
  const input = { entry, params, justification };
  const provider = await deps.providers.get(entry.provider);
  const ctx = grantContext({ id: PREVIEW_ID, requester: requester ?? '', toolName: entry.name, toolParams: params, expiresAt: deps.clock.now() + entry.defaultTtlSeconds * 1000, decidedBy: '' }, entry);
  // Without parameters there are no targets whose owners could be read (the request form's first preview):
  // the usual routing, as for a provider that names no owners.
  if (!provider.ownerGroups || Object.keys(params).length === 0) return routeWithOwners(deps, undefined, input, required);
  checkParams(params, entry);
  // Validation maps the requester to the provider's subject, so it needs one; the owners are read either way.
  if (requester) await provider.validate?.(ctx);
  return routeWithOwners(deps, await provider.ownerGroups(ctx), input, required);
}
