import { routeApprovers } from '../approver-routing.js';
import type { CatalogEntry } from '../catalog.js';
import { identityOrUndefined } from '../identity.js';
import { resolveParty } from '../people.js';
import type { ApproverRouting } from '../types.js';
import { eligibleApprovers } from './approvers.js';
import { explainApprovers, type GroupExplanation } from './explain-approvers.js';
import type { JitDeps } from './deps.js';
import { findEntry, parseParams } from './request-validation.js';

/** Who would approve a request, and why, as a dry run. */
export interface ApproversPreview {
  entry: CatalogEntry;
  routing: ApproverRouting;
  approvers: string[];
  /** Per group: where its members came from, who may approve and who is not counted, and why. */
  directory: GroupExplanation[];
}

/**
 * The approvers dry run: routes a request that is not made (same catalog lookup, parameter parsing, routing
 * and eligibility as `requestAccess`) and stores nothing. `requester`, when known, is left out of the
 * approvers, as on a real request.
 */
export async function previewApprovers(
  deps: JitDeps,
  input: { toolName: string | undefined; toolParams: string | undefined; justification: string | undefined; requester?: string | undefined },
): Promise<ApproversPreview> {
  const entry = findEntry(deps, input.toolName);
  const params = parseParams(input.toolParams);
  const routing = await routeApprovers({ entry, params, justification: input.justification ?? '' }, await deps.knowledge(), deps.policy);
  const requester = identityOrUndefined(input.requester);
  const exclude = requester ? [await resolveParty(deps.directory, requester)] : [];
  const approvers = (await eligibleApprovers(deps, routing.groups, exclude)).map((p) => p.email);
  const directory = await explainApprovers(deps, routing.groups, exclude);
  return { entry, routing, approvers, directory };
}
