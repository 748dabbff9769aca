import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPA_GRANTS_PATH, opaGrantDocument } from '../../../scripts/adapters/enforcer/opa-enforcer.js';

// No OPA binary exists on these machines (ENVIRONMENT.md), so the Rego is run by `opa test` elsewhere; these
// checks keep the shipped files and the adapter in step where they can be checked without OPA.
const dir = join(process.cwd(), 'configs', 'enforcer');
const policy = readFileSync(join(dir, 'jit_grants.rego'), 'utf8');
const tests = readFileSync(join(dir, 'jit_grants_test.rego'), 'utf8');

describe('the Rego the package ships', () => {
  it('is package kubiya.tool_manager, rego.v1, with exactly one default allow := false in the directory', () => {
    expect(policy).toMatch(/^package kubiya\.tool_manager$/m);
    expect(policy).toMatch(/^import rego\.v1$/m);
    const defaults = readdirSync(dir)
      .filter((f) => f.endsWith('.rego'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').match(/^default allow\b.*$/gm) ?? []);
    expect(defaults).toEqual(['default allow := false']);
  });

  it('reads the document fields the OPA adapter writes, at the path it writes them', () => {
    expect(OPA_GRANTS_PATH).toBe('/v1/data/kubiya/jit/grants');
    expect(policy).toContain('data.kubiya.jit.grants');
    const doc = opaGrantDocument({ grantId: 'g', requestId: 'r', userEmail: 'a@x', toolName: 't', parameters: {}, expiresAt: 1, approvedBy: 'b' });
    for (const field of ['user_email', 'tool_name', 'parameters', 'expires_at_ns']) {
      expect(doc).toHaveProperty(field);
      expect(policy).toContain(`grant.${field}`);
    }
    expect(policy).toMatch(/time\.now_ns\(\) < grant\.expires_at_ns/);
    expect(policy).toMatch(/is_number\(grant\.expires_at_ns\)/);
    // The whole parameter object and the normalised address are compared, not key by key or raw.
    expect(policy).toMatch(/jit_run_parameters == grant\.parameters/);
    expect(policy).toMatch(/grant\.user_email == jit_user_email/);
    expect(policy).not.toMatch(/every key, value in grant\.parameters/);
  });

  it('ships opa test cases for each rule the issue names', () => {
    expect(tests).toMatch(/^package kubiya\.tool_manager_test$/m);
    for (const name of [
      'test_allowed_while_grant_valid',
      'test_denied_after_expiry_with_data_still_present',
      'test_denied_for_another_user',
      'test_denied_for_another_tool',
      'test_denied_for_a_different_parameter_value',
      'test_denied_for_a_missing_parameter',
      'test_denied_for_an_extra_parameter',
      'test_denied_for_a_different_nested_value',
      'test_grant_without_parameters_denies_a_run_with_parameters',
      'test_allowed_for_the_same_address_in_another_case',
      'test_denied_for_a_kelvin_sign_look_alike',
      'test_denied_for_unicode_look_alikes',
    ]) {
      expect(tests).toMatch(new RegExp(`^${name} if \\{`, 'm'));
    }
  });
});
