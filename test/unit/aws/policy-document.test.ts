import { describe, expect, it } from 'vitest';
import { grantKey, grantPolicyName, trustStatementSid } from '../../../scripts/adapters/aws/grant-names.js';
import { assertPolicySize, BUILTIN_TEMPLATES, MANAGED_POLICY_MAX_CHARS, policySize, renderTemplate } from '../../../scripts/adapters/aws/policy-document.js';
import { PERMISSION_MANAGEMENT_ACTIONS, permissionManagementAllowed } from '../../../scripts/adapters/aws/permission-management.js';

const expiresAt = Date.UTC(2030, 0, 1, 12);

describe('policy templates', () => {
  it('renders S3 read-only as GetObject + ListBucket on each bucket and its objects, ending at the expiry', () => {
    const doc = renderTemplate(BUILTIN_TEMPLATES.S3ReadOnlyPolicy!, { buckets: ['a', 'b'] }, expiresAt);
    expect(doc.Statement[0]).toEqual({
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::a', 'arn:aws:s3:::b', 'arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'],
      Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T12:00:00Z' } },
    });
    // Every other statement is a deny, and every statement ends at the expiry.
    expect(doc.Statement.slice(1).map((s) => s.Effect)).toEqual(['Deny', 'Deny']);
    for (const statement of doc.Statement) expect(statement.Condition).toEqual({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T12:00:00Z' } });
  });

  it('counts size without whitespace, as IAM does, and refuses past 6,144', () => {
    const doc = renderTemplate(BUILTIN_TEMPLATES.S3FullAccessPolicy!, { buckets: ['x'] }, expiresAt);
    expect(policySize(doc)).toBe(JSON.stringify(doc).length);
    const spaced = { ...doc, Statement: doc.Statement.map((s) => ({ ...s, Sid: 'A B' })) };
    expect(policySize(spaced)).toBe(JSON.stringify(spaced).length - spaced.Statement.length);
    const justUnder = renderTemplate({ description: '', statements: [{ actions: ['s3:*'], resources: ['x'] }] }, { buckets: [] }, expiresAt);
    const pad = MANAGED_POLICY_MAX_CHARS - policySize(justUnder);
    const atLimit = renderTemplate({ description: '', statements: [{ actions: ['s3:*'], resources: ['x'.repeat(pad + 1)] }] }, { buckets: [] }, expiresAt);
    expect(policySize(atLimit)).toBe(MANAGED_POLICY_MAX_CHARS);
    expect(() => assertPolicySize(atLimit, 't')).not.toThrow();
    const over = renderTemplate({ description: '', statements: [{ actions: ['s3:*'], resources: ['x'.repeat(pad + 2)] }] }, { buckets: [] }, expiresAt);
    expect(() => assertPolicySize(over, 't')).toThrow(/6144/);
  });
});

describe('grant names', () => {
  it('are deterministic, within IAM rules, and distinct per grant', () => {
    const long = grantPolicyName('s3_grant_'.padEnd(200, 'x'), 'g/with spaces and a very long id'.repeat(5));
    expect(long.length).toBeLessThanOrEqual(128);
    expect(long).toMatch(/^[\w+=,.@-]+$/);
    expect(grantPolicyName('t', 'a')).toBe(grantPolicyName('t', 'a'));
    expect(grantPolicyName('t', 'a')).not.toBe(grantPolicyName('t', 'b'));
    expect(grantKey('0b6e1c4e-1f1b-4a43-9a53-1c2f0f5c9d11')).toBe('0b6e1c4e-1f1b-4a43-9a53-1c2f0f5c9d11');
    expect(grantKey('a/b')).toMatch(/^h[0-9a-f]{32}$/);
    expect(trustStatementSid('x')).toMatch(/^KubiyaJit[0-9a-f]{24}$/);
  });
});

describe('built-in templates cannot extend themselves', () => {
  const denied = (doc: ReturnType<typeof renderTemplate>, action: string, resource: string) =>
    doc.Statement.some((s) => s.Effect === 'Deny' && [s.Action].flat().includes(action) && [s.Resource].flat().includes(resource));

  for (const name of Object.keys(BUILTIN_TEMPLATES)) {
    it(`${name} denies the bucket's policy, ACLs, ownership, public access block, access points and IAM writes`, () => {
      const doc = renderTemplate(BUILTIN_TEMPLATES[name]!, { buckets: ['lake'] }, expiresAt);
      for (const action of ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketAcl', 's3:PutObjectAcl', 's3:PutBucketOwnershipControls', 's3:PutBucketPublicAccessBlock']) {
        expect(denied(doc, action, 'arn:aws:s3:::lake'), action).toBe(true);
        expect(denied(doc, action, 'arn:aws:s3:::lake/*'), action).toBe(true);
      }
      for (const action of ['s3:PutAccessPointPolicy', 's3:CreateAccessPoint', 's3:PutAccountPublicAccessBlock', 'iam:AttachUserPolicy', 'iam:PutUserPolicy', 'iam:CreateAccessKey', 'iam:PassRole', 'iam:UpdateAssumeRolePolicy']) {
        expect(denied(doc, action, '*'), action).toBe(true);
      }
    });
  }

  it('a config template that allows permission management is matched through wildcards', () => {
    expect(permissionManagementAllowed(['s3:GetObject', 'sqs:ReceiveMessage'])).toEqual([]);
    expect(permissionManagementAllowed(['s3:Put*']).map((h) => h.action)).toContain('s3:PutBucketPolicy');
    expect(permissionManagementAllowed(['IAM:attach*']).map((h) => h.action)).toContain('iam:AttachUserPolicy');
    expect(permissionManagementAllowed(['*']).length).toBe(PERMISSION_MANAGEMENT_ACTIONS.length);
    expect(permissionManagementAllowed(['sts:Assume?ole']).map((h) => h.action)).toEqual(['sts:AssumeRole']);
  });
});
