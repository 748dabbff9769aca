import { describe, expect, it } from 'vitest';
import { compareWithEvents, recordedFields, restoredFromEvents } from '../../../scripts/core/request-integrity.js';
import type { AuditEvent, Json } from '../../../scripts/core/types.js';
import { requestFixture } from '../../support/request-fixture.js';

let seq = 0;
const event = (type: string, actor: string, data: Record<string, Json>): AuditEvent => ({ seq: ++seq, requestId: 'req_1', type, actor, at: seq, data, prevHash: '', hash: '' });

const created = event('request_created', 'dev@example.com', { tool: 'create_ec2', params: { region: 'eu-west-1' }, requester: 'dev@example.com', requested_by: 'dev@example.com', requester_id: '00u1', ttl_seconds: 3600 });
const routed = event('approvers_routed', 'kubiya-jit', { groups: ['platform-approvers'], approvers: ['alice@example.com', 'bob@example.com'] });
const approved = event('request_approved', 'alice@example.com', {
  from: 'approval_pending', to: 'granting', ttl_seconds: 1800, expires_at_ms: 5_000, granted_with: { provider: 'enforcer', settings: {} },
});
const granted = event('access_granted', 'kubiya-jit', { from: 'granting', to: 'access_granted' });
const row = () => requestFixture({ id: 'req_1', status: 'access_granted', ttlSeconds: 1800, expiresAt: 5_000, decidedBy: 'alice@example.com', grantedWith: { provider: 'enforcer', settings: {} }, personIds: { requester: '00u1' } });

describe('a row against its chained events', () => {
  it('agrees when nothing was edited, the approver\'s TTL override included', () => {
    expect(compareWithEvents(row(), [created, routed, approved, granted])).toEqual([]);
  });

  it('names each field the row changed', () => {
    const edited = { ...row(), expiresAt: 9_999_999, toolParams: { region: 'us-east-1' }, personIds: { requester: '00u9' } };
    expect(compareWithEvents(edited, [created, routed, approved, granted]).map((m) => m.field).sort()).toEqual(['expires_at', 'requester_id', 'tool_params']);
  });

  it('puts the recorded fields back, leaving the stored status alone', () => {
    const edited = { ...row(), expiresAt: 9_999_999, status: 'access_expired' as const };
    const restored = restoredFromEvents(edited, [created, routed, approved, granted]);
    expect(restored.expiresAt).toBe(5_000);
    expect(restored.status).toBe('access_expired');
  });

  it('leaves fields unchecked that older events never recorded', () => {
    const legacyApproval = event('request_approved', 'alice@example.com', { from: 'approval_pending', to: 'granting', ttl_seconds: 1800 });
    const fields = recordedFields([created, routed, legacyApproval, granted]);
    expect(fields.expiresAt).toBeUndefined();
    expect(fields.grantedWith).toBeUndefined();
    expect(compareWithEvents({ ...row(), expiresAt: 123 }, [created, routed, legacyApproval, granted])).toEqual([]);
  });
});
