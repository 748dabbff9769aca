import { describe, expect, it } from 'vitest';
import { DEFAULT_PRINCIPAL_MAPPING } from '../../../scripts/adapters/aws/aws-settings.js';
import { mapPrincipal } from '../../../scripts/adapters/aws/principal-mapping.js';
import { ValidationError } from '../../../scripts/core/errors.js';

const mapping = { ...DEFAULT_PRINCIPAL_MAPPING, allowedDomains: ['example.com'] };

describe('mapPrincipal', () => {
  it('maps by the default patterns', () => {
    expect(mapPrincipal(mapping, 'Alice.Doe@Example.com', 'iamUser')).toBe('alice.doe');
    expect(mapPrincipal(mapping, 'alice@example.com', 'identityCenterUser')).toBe('alice@example.com');
    expect(mapPrincipal(mapping, 'alice@example.com', 'principalArn', { accountId: '123456789012' })).toBe('arn:aws:iam::123456789012:user/alice');
  });

  it('lets an explicit override win over the pattern', () => {
    const withOverride = { ...mapping, overrides: { 'alice@example.com': { iamUser: 'adoe' } } };
    expect(mapPrincipal(withOverride, 'alice@example.com', 'iamUser')).toBe('adoe');
  });

  it.each([
    ['a domain that is not allowed', mapping, 'eve@evil.test'],
    ['a lookalike domain', mapping, 'eve@example.com.evil.test'],
    ['not an email', mapping, 'alice'],
    ['an explicit-only mapping without an entry', { ...mapping, mapOnly: true }, 'alice@example.com'],
    ['a name IAM refuses', { ...mapping, iamUser: '{local}!', principalArn: 'arn:aws:iam::{account_id}:user/{local}*' }, 'alice@example.com'],
    ['a local part that would add an IAM path', mapping, 'admin/alice@example.com'],
  ])('refuses %s with a ValidationError', (_label, rule, email) => {
    expect(() => mapPrincipal(rule, email, 'iamUser')).toThrow(ValidationError);
    expect(() => mapPrincipal(rule, email, 'principalArn', { accountId: '123456789012' })).toThrow(ValidationError);
  });

  it('refuses a wildcard principal ARN', () => {
    const wild = { ...mapping, principalArn: 'arn:aws:iam::{account_id}:user/{local}' };
    expect(() => mapPrincipal(wild, '*@example.com', 'principalArn', { accountId: '123456789012' })).toThrow(/principal ARN/);
  });
});
