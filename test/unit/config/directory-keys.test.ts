import { describe, expect, it } from 'vitest';
import { checkDirectoryKeys, directorySeconds } from '../../../scripts/app/provider-directory.js';

describe('directory keys per type', () => {
  it('accepts each type with its own keys', () => {
    expect(() => checkDirectoryKeys({ type: 'github', organization: 'acme', email_mapping: 'm.yaml', saml_emails: false, membership_cache: '0s', max_rate_limit_wait: '1m' })).not.toThrow();
    expect(() => checkDirectoryKeys({ type: 'google', admin_email: 'a@example.com', member_list_cache: '5m' })).not.toThrow();
    expect(() => checkDirectoryKeys({ type: 'microsoft', membership_cache: '1m' })).not.toThrow();
    expect(() => checkDirectoryKeys({ type: 'config', groups: {} })).not.toThrow();
  });

  it('refuses a key another type reads, naming it and who reads it', () => {
    expect(() => checkDirectoryKeys({ type: 'google', organization: 'acme' })).toThrow(/directory\.organization does not apply to directory\.type google.*github/);
    expect(() => checkDirectoryKeys({ type: 'microsoft', admin_email: 'a@example.com' })).toThrow(/directory\.admin_email/);
    expect(() => checkDirectoryKeys({ type: 'okta', max_rate_limit_wait: '1m' })).toThrow(/directory\.max_rate_limit_wait/);
    expect(() => checkDirectoryKeys({ type: 'config', membership_cache: '1m' })).toThrow(/directory\.membership_cache/);
  });

  it('reads 0s as "no cache" and other durations in seconds', () => {
    expect(directorySeconds('0s', 'k')).toBe(0);
    expect(directorySeconds('2m', 'k')).toBe(120);
    expect(directorySeconds(undefined, 'k')).toBeUndefined();
  });
});
