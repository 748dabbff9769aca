/**
 * Where a request's approvals stand: which requirements are met, by whom, and what is still missing. Pure
 * functions of the stored request, shared by the decision, the Slack message, `describe` and the console, so
 * every face says the same thing.
 */
import type { AccessRequest, ApprovalRequirement, GivenApproval } from './types.js';

/** One requirement with the approvals that count toward it. */
export interface RequirementState {
  requirement: ApprovalRequirement;
  /** The approvals counted toward it, oldest first. */
  approvals: GivenApproval[];
  /** How many more distinct people must approve (0 when met). */
  missing: number;
  met: boolean;
}

/**
 * The request's requirements. A row made before multi-approval needs one approval from any of its approver
 * groups, which is what every request needed then.
 */
export function requirementsOf(request: Pick<AccessRequest, 'approvalRequirements' | 'approverGroups'>): ApprovalRequirement[] {
  if (request.approvalRequirements && request.approvalRequirements.length > 0) return request.approvalRequirements;
  return [{ label: groupLabel(request.approverGroups), groups: request.approverGroups, required: 1 }];
}

/** Each requirement of `request` with the approvals given toward it so far. */
export function approvalProgress(request: Pick<AccessRequest, 'approvalRequirements' | 'approverGroups' | 'approvals'>): RequirementState[] {
  const given = request.approvals ?? [];
  return requirementsOf(request).map((requirement) => {
    // Distinct people only: one person approving twice never makes two approvals.
    const seen = new Set<string>();
    const approvals = given.filter((a) => a.counts.includes(requirement.label) && !seen.has(personKey(a)) && seen.add(personKey(a)));
    const missing = Math.max(0, requirement.required - approvals.length);
    return { requirement, approvals, missing, met: missing === 0 };
  });
}

/** Whether every requirement is met. */
export function fullyApproved(states: readonly RequirementState[]): boolean {
  return states.every((state) => state.met);
}

/** The requirements still missing approvals, by label. */
export function outstanding(states: readonly RequirementState[]): RequirementState[] {
  return states.filter((state) => !state.met);
}

/** One line per requirement for people: "payments-owners: approved by a@x.com", "checkout-owners: waiting (1 more)". */
export function progressLines(states: readonly RequirementState[]): string[] {
  return states.map((state) => {
    const by = state.approvals.map((a) => a.approver).join(', ');
    if (state.met) return `${state.requirement.label}: approved by ${by}`;
    const need = state.requirement.required > 1 ? ` (${state.approvals.length} of ${state.requirement.required})` : '';
    return `${state.requirement.label}: waiting${need}${by ? `, approved so far by ${by}` : ''}`;
  });
}

/** The label of a requirement that any of `groups` may meet: "payments-owners" or "sre or platform". */
export function groupLabel(groups: readonly string[]): string {
  return groups.length > 0 ? groups.join(' or ') : 'approvers';
}

/** The shortest TTL any approval asked for, or undefined when none asked for a shorter one. */
export function shortestApprovedTtl(approvals: readonly GivenApproval[]): number | undefined {
  const asked = approvals.flatMap((a) => (a.ttlSeconds !== undefined ? [a.ttlSeconds] : []));
  return asked.length > 0 ? Math.min(...asked) : undefined;
}

function personKey(approval: GivenApproval): string {
  return approval.approverId ? `id:${approval.approverId}` : `email:${approval.approver}`;
}
