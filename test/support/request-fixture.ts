import type { AccessRequest } from '../../scripts/core/types.js';

/** A valid pending request, with any field overridden; for tests that need a stored row. */
export function requestFixture(overrides: Partial<AccessRequest> = {}): AccessRequest {
  const now = overrides.createdAt ?? 1_800_000_000_000;
  return {
    id: 'req_0000000000000001',
    status: 'approval_pending',
    version: 1,
    toolName: 'create_ec2',
    toolParams: { region: 'eu-west-1' },
    requester: 'dev@example.com',
    requestedBy: 'dev@example.com',
    justification: 'INC-42 needs a reproduction box',
    ttlSeconds: 3600,
    approverGroups: ['platform-approvers'],
    approvers: ['alice@example.com', 'bob@example.com'],
    routing: { source: 'mapping', groups: ['platform-approvers'], explanation: 'create_ec2 is mapped to platform-approvers in the config' },
    preview: { provider: 'enforcer', summary: ['Enforcer allows create_ec2'], documents: {} },
    createdAt: now,
    updatedAt: now,
    endAttempts: 0,
    warned: false,
    alerted: false,
    ...overrides,
  };
}
