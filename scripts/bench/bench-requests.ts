import type { AccessRequest, RequestStatus } from '../core/types.js';

/** Requesters in the bench databases: 500 people, each with a share of the history. */
export const BENCH_PEOPLE = 500;

/**
 * The `i`-th request of a bench database: an Enforcer grant of create_ec2, approved by alice. Status and
 * times are the caller's to set; the defaults make a request that was approved and ended a while ago.
 */
export function benchRequest(i: number, now: number, status: RequestStatus = 'access_expired'): AccessRequest {
  const requester = `user${i % BENCH_PEOPLE}@example.com`;
  return {
    id: `req_${i.toString(16).padStart(16, '0')}`,
    status,
    version: 1,
    toolName: 'create_ec2',
    toolParams: { region: i % 2 ? 'eu-west-1' : 'us-east-1' },
    requester,
    requestedBy: requester,
    justification: `Ticket OPS-${i}: reproduce a customer issue`,
    ttlSeconds: 3600,
    approverGroups: ['approvers'],
    approvers: ['alice@example.com'],
    routing: { source: 'mapping', groups: ['approvers'], explanation: 'create_ec2 is mapped to approvers in the config' },
    preview: { provider: 'enforcer', summary: ['Enforcer allows create_ec2'], documents: {} },
    createdAt: now,
    updatedAt: now,
    endAttempts: 0,
    warned: status === 'access_granted',
    alerted: false,
  };
}
