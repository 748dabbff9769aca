import { ValidationError } from '../../core/errors.js';
import type { Json } from '../../core/types.js';
import { isoSeconds } from './grant-names.js';
import type { PolicyTemplate } from './aws-settings.js';
import { IAM_WRITE_ACTIONS, S3_ACCESS_POINT_ACTIONS, S3_PERMISSION_ACTIONS } from './permission-management.js';

/** One IAM policy statement as the package writes it. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: { AWS: string | string[] } | Record<string, Json>;
  Condition?: Record<string, Record<string, Json>>;
  [key: string]: Json | undefined;
}

/** An IAM policy document. */
export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** IAM's limit on a managed policy document, counted without whitespace. */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * The S3 templates of Kubiya's module: read-only (GetObject + ListBucket) and full access (s3:*), each with
 * explicit denies (`deny`) so that no grant of them can extend itself: changing the bucket's policy, ACLs,
 * ownership controls or public access block, opening it through an access point, or IAM writes.
 */
export const BUILTIN_TEMPLATES: Record<string, PolicyTemplate> = {
  S3ReadOnlyPolicy: {
    description: 'Read objects and list the buckets',
    statements: [{ actions: ['s3:GetObject', 's3:ListBucket'], resources: ['arn:aws:s3:::{bucket}', 'arn:aws:s3:::{bucket}/*'] }],
    builtin: true,
  },
  S3FullAccessPolicy: {
    description: 'Every S3 action on the buckets and their objects, except changing who may access them',
    statements: [{ actions: ['s3:*'], resources: ['arn:aws:s3:::{bucket}', 'arn:aws:s3:::{bucket}/*'] }],
    builtin: true,
  },
};

/**
 * The deny statements every built-in template carries: permission management on the grant's buckets and
 * objects, and access points and IAM writes anywhere. STS is not denied: the built-in templates allow no STS
 * action, and a deny would also stop the grantee assuming a role through another (role trust) grant.
 */
export function builtinDenies(): { actions: string[]; resources: string[]; effect: 'Deny' }[] {
  return [
    { effect: 'Deny', actions: S3_PERMISSION_ACTIONS, resources: ['arn:aws:s3:::{bucket}', 'arn:aws:s3:::{bucket}/*'] },
    { effect: 'Deny', actions: [...S3_ACCESS_POINT_ACTIONS, ...IAM_WRITE_ACTIONS], resources: ['*'] },
  ];
}

/** The condition that makes a statement stop working at `expiresAt`, whatever happens afterwards. */
export function expiryCondition(expiresAt: number): Record<string, Record<string, Json>> {
  return { DateLessThan: { 'aws:CurrentTime': isoSeconds(expiresAt) } };
}

/** Adds the expiry condition to a statement, keeping any conditions it already has. */
export function withExpiry(statement: PolicyStatement, expiresAt: number): PolicyStatement {
  const condition = { ...(statement.Condition ?? {}) };
  condition.DateLessThan = { ...(condition.DateLessThan ?? {}), ...expiryCondition(expiresAt).DateLessThan };
  return { ...statement, Condition: condition };
}

/**
 * Renders a template into a policy document whose every statement ends at `expiresAt`. `{bucket}` in a
 * resource is repeated for each bucket; `{account_id}` is replaced by the account.
 */
export function renderTemplate(template: PolicyTemplate, vars: { buckets: string[]; accountId?: string }, expiresAt: number): PolicyDocument {
  const parts = [...template.statements.map((statement) => ({ ...statement, effect: 'Allow' as const })), ...(template.builtin ? builtinDenies() : [])];
  const statements = parts.map((statement) => {
    const resources = statement.resources.flatMap((resource) => {
      const withAccount = resource.replaceAll('{account_id}', vars.accountId ?? '*');
      return withAccount.includes('{bucket}') ? vars.buckets.map((bucket) => withAccount.replaceAll('{bucket}', bucket)) : [withAccount];
    });
    return withExpiry({ Effect: statement.effect, Action: statement.actions, Resource: resources }, expiresAt);
  });
  return { Version: '2012-10-17', Statement: statements };
}

/** The length IAM counts against its limits: the JSON without any whitespace. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

/** Throws a ValidationError when the document is over IAM's managed-policy limit, before AWS is called. */
export function assertPolicySize(document: PolicyDocument, what: string): void {
  const size = policySize(document);
  if (size > MANAGED_POLICY_MAX_CHARS) {
    throw new ValidationError(
      'aws.policy_too_large',
      `The IAM policy for ${what} would be ${size} characters; IAM allows ${MANAGED_POLICY_MAX_CHARS}. Split the buckets or the template into smaller entries.`,
      { size, limit: MANAGED_POLICY_MAX_CHARS },
    );
  }
}
