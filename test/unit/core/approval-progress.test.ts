import { describe, expect, it } from 'vitest';
import { approvalProgress, fullyApproved, groupLabel, progressLines, requirementsOf, shortestApprovedTtl } from '../../../scripts/core/approval-progress.js';
import { compareWithEvents, recordedFields } from '../../../scripts/core/request-integrity.js';
import type { AccessRequest, AuditEvent, GivenApproval } from '../../../scripts/core/types.js';

const TWO_OWNERS = [
  { label: 'payments-owners', groups: ['payments-owners'], required: 1, targets: ['payments'] },
  { label: 'checkout-owners', groups: ['checkout-owners'], required: 1, targets: ['checkout'] },
];
const given = (approver: string, counts: string[], extra: Partial<GivenApproval> = {}): GivenApproval => ({ approver, at: 1, counts, ...extra });

describe('approval progress', () => {
  it('a row from before multi-approval needs one approval from any of its groups', () => {
    expect(requirementsOf({ approverGroups: ['a', 'b'] })).toEqual([{ label: 'a or b', groups: ['a', 'b'], required: 1 }]);
    expect(groupLabel([])).toBe('approvers');
  });

  it('is met only when every requirement has its approvals', () => {
    const none = approvalProgress({ approverGroups: [], approvalRequirements: TWO_OWNERS, approvals: [] });
    expect(none.map((s) => s.missing)).toEqual([1, 1]);
    const one = approvalProgress({ approverGroups: [], approvalRequirements: TWO_OWNERS, approvals: [given('p@x', ['payments-owners'])] });
    expect(one.map((s) => s.met)).toEqual([true, false]);
    expect(fullyApproved(one)).toBe(false);
    const both = approvalProgress({ approverGroups: [], approvalRequirements: TWO_OWNERS, approvals: [given('p@x', ['payments-owners']), given('c@x', ['checkout-owners'])] });
    expect(fullyApproved(both)).toBe(true);
  });

  it('counts one person once toward a requirement, by directory id when there is one', () => {
    const twice = [{ label: 'g', groups: ['g'], required: 2 }];
    const sameEmail = approvalProgress({ approverGroups: [], approvalRequirements: twice, approvals: [given('a@x', ['g']), given('a@x', ['g'])] });
    expect(sameEmail[0]!.missing).toBe(1);
    const sameId = approvalProgress({ approverGroups: [], approvalRequirements: twice, approvals: [given('a@x', ['g'], { approverId: '00u1' }), given('renamed@x', ['g'], { approverId: '00u1' })] });
    expect(sameId[0]!.met).toBe(false);
    const two = approvalProgress({ approverGroups: [], approvalRequirements: twice, approvals: [given('a@x', ['g']), given('b@x', ['g'])] });
    expect(two[0]!.met).toBe(true);
  });

  it('says per requirement who approved and what is missing', () => {
    const lines = progressLines(approvalProgress({ approverGroups: [], approvalRequirements: [TWO_OWNERS[0]!, { label: 'sre', groups: ['sre'], required: 2 }], approvals: [given('p@x', ['payments-owners']), given('s@x', ['sre'])] }));
    expect(lines).toEqual(['payments-owners: approved by p@x', 'sre: waiting (1 of 2), approved so far by s@x']);
  });

  it('takes the shortest TTL an approver asked for', () => {
    expect(shortestApprovedTtl([given('a', []), given('b', [], { ttlSeconds: 600 }), given('c', [], { ttlSeconds: 1200 })])).toBe(600);
    expect(shortestApprovedTtl([given('a', [])])).toBeUndefined();
  });
});

describe('approvals in the audit trail', () => {
  const event = (seq: number, type: string, actor: string, data: AuditEvent['data']): AuditEvent => ({ seq, requestId: 'r', type, actor, at: seq, data, prevHash: '', hash: '' });
  const events = [
    event(1, 'request_created', 'dev@x', { tool: 't', params: {}, requester: 'dev@x', ttl_seconds: 60 }),
    event(2, 'approvers_routed', 'kubiya-jit', { groups: ['payments-owners', 'checkout-owners'], approvers: ['p@x', 'c@x'], requirements: TWO_OWNERS as unknown as AuditEvent['data'][string] }),
    event(3, 'approval_recorded', 'p@x', { from: 'approval_pending', to: 'approval_pending', counts: ['payments-owners'] }),
  ];

  it('replays the requirements and the approvals given', () => {
    const r = recordedFields(events);
    expect(r.approvalRequirements).toEqual(TWO_OWNERS);
    expect(r.approvals).toEqual([{ approver: 'p@x', at: 3, counts: ['payments-owners'] }]);
    const withdrawn = recordedFields([...events, event(4, 'approval_withdrawn', 'kubiya-jit', { approver: 'p@x', counts: ['payments-owners'] })]);
    expect(withdrawn.approvals).toEqual([]);
  });

  it('finds an approval added to the row that nobody gave, and a requirement lowered in the row', () => {
    const row = {
      requester: 'dev@x', requestedBy: 'dev@x', toolName: 't', toolParams: {}, ttlSeconds: 60, approverGroups: ['payments-owners', 'checkout-owners'], approvers: ['p@x', 'c@x'],
      status: 'approval_pending', approvalRequirements: TWO_OWNERS, approvals: [given('p@x', ['payments-owners'], { at: 99 })],
    } as unknown as AccessRequest;
    expect(compareWithEvents(row, events)).toEqual([]);
    const forged = { ...row, approvals: [...row.approvals!, given('c@x', ['checkout-owners'])] };
    expect(compareWithEvents(forged, events).map((m) => m.field)).toEqual(['approvals']);
    const lowered = { ...row, approvalRequirements: [TWO_OWNERS[0]!] };
    expect(compareWithEvents(lowered, events).map((m) => m.field)).toEqual(['approval_requirements']);
  });
});
