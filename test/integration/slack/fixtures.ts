/** Hand-built AccessRequest fixtures and a recording logger for the Slack tests. */
import type { Logger } from '../../../scripts/core/ports.js';
import type { AccessRequest } from '../../../scripts/core/types.js';

/** 2026-03-01T09:00:00Z, the instant every fixture is created at. */
export const CREATED_AT = Date.UTC(2026, 2, 1, 9, 0, 0);

/** A pending request for create_ec2 in eu-west-1, routed by knowledge; `overrides` replace any field. */
export function pendingRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'req-7f3a9c',
    status: 'approval_pending',
    version: 1,
    toolName: 'create_ec2',
    toolParams: { region: 'eu-west-1', instance_type: 't3.micro' },
    requester: 'dev@example.com',
    requestedBy: 'dev@example.com',
    justification: 'Load test for the checkout service, ticket OPS-42.',
    ttlSeconds: 3600,
    approverGroups: ['platform-approvers'],
    approvers: ['alice@example.com', 'bob@example.com'],
    routing: {
      source: 'knowledge',
      groups: ['platform-approvers'],
      matches: [{ document: 'compute.md', score: 4.25, groups: ['platform-approvers'] }],
      explanation: 'The request matched the knowledge document compute.md, owned by platform-approvers.',
    },
    preview: {
      provider: 'enforcer',
      summary: ['Enforcer allow: create_ec2 {region: eu-west-1} for dev@example.com, for 1h'],
      documents: {},
    },
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    endAttempts: 0,
    warned: false,
    alerted: false,
    ...overrides,
  };
}

/** The same request after alice approved it and access was granted for an hour. */
export function grantedRequest(overrides: Partial<AccessRequest> = {}): AccessRequest {
  const decidedAt = CREATED_AT + 5 * 60_000;
  return pendingRequest({
    status: 'access_granted',
    version: 3,
    decidedBy: 'alice@example.com',
    decidedAt,
    grantedAt: decidedAt + 2000,
    expiresAt: decidedAt + 2000 + 3600_000,
    updatedAt: decidedAt + 2000,
    ...overrides,
  });
}

/** A logger that keeps every entry, so tests can look for what must never be logged. */
export function recordingLogger(): Logger & { entries: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const entries: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const add = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    entries.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { entries, info: add('info'), warn: add('warn'), error: add('error') };
}

/** Every mrkdwn and plain text in a message's blocks, joined, for content assertions. */
export function blockText(blocks: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      const obj = node as Record<string, unknown>;
      if ((obj.type === 'mrkdwn' || obj.type === 'plain_text') && typeof obj.text === 'string') out.push(obj.text);
      Object.values(obj).forEach(walk);
    }
  };
  walk(blocks);
  return out.join('\n');
}

/** The blocks of a given type. */
export function blocksOfType(blocks: unknown, type: string): Record<string, unknown>[] {
  return (Array.isArray(blocks) ? blocks : []).filter((b): b is Record<string, unknown> => (b as { type?: unknown }).type === type);
}
