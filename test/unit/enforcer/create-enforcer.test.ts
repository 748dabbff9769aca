import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { categoryConfigSchema } from '../../../scripts/adapters/enforcer/category-policy-config.js';
import { createEnforcer, enforcerConfigSchema, type EnforcerConfig } from '../../../scripts/adapters/enforcer/create-enforcer.js';
import { opaGrantDocument } from '../../../scripts/adapters/enforcer/opa-enforcer.js';
import { ConfigError } from '../../../scripts/core/errors.js';
import type { Logger } from '../../../scripts/core/ports.js';

const log: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function configError(config: EnforcerConfig, env: NodeJS.ProcessEnv): ConfigError {
  try {
    createEnforcer(config, env, log);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('createEnforcer', () => {
  it('builds each adapter by type', () => {
    expect(createEnforcer({ type: 'none' }, {}, log).kind).toBe('none');
    expect(createEnforcer({ type: 'opa', url: 'http://opa:8181' }, {}, log).kind).toBe('opa');
    expect(createEnforcer({ type: 'kubiya', url: 'http://enforcer.kubiya:5001' }, {}, log).kind).toBe('kubiya');
  });

  it('needs a URL for opa and kubiya, naming enforcer.url', () => {
    for (const type of ['opa', 'kubiya'] as const) {
      const err = configError({ type }, {});
      expect(err.message).toContain('enforcer.url');
      expect(err.message).toContain('ENFORCER_URL');
      expect(err.detail).toEqual({ key: 'enforcer.url' });
    }
  });

  it('takes the URL from ENFORCER_URL over the config', () => {
    expect(createEnforcer({ type: 'opa' }, { ENFORCER_URL: 'http://from-env:8181' }, log).kind).toBe('opa');
    const err = configError({ type: 'opa', url: 'http://fine:8181' }, { ENFORCER_URL: 'ftp://nope' });
    expect(err.message).toContain('ENFORCER_URL');
  });

  it('refuses a URL with credentials in it, without repeating them', () => {
    const err = configError({ type: 'opa', url: 'http://admin:hunter2@opa:8181' }, {});
    expect(err.message).toContain('token_env');
    expect(err.message).not.toContain('hunter2');
  });

  it('reads the token from the variable token_env names, and names the variable (not a value) when it is empty', () => {
    expect(createEnforcer({ type: 'opa', url: 'http://opa:8181', token_env: 'OPA_TOKEN' }, { OPA_TOKEN: 't' }, log).kind).toBe('opa');
    const err = configError({ type: 'opa', url: 'http://opa:8181', token_env: 'OPA_TOKEN' }, {});
    expect(err.message).toContain('OPA_TOKEN');
  });
});

describe('the config schemas', () => {
  const ajv = new Ajv({ allErrors: true });

  it('enforcerConfigSchema accepts the three types and refuses the rest', () => {
    const validate = ajv.compile(enforcerConfigSchema);
    expect(validate({ type: 'none' })).toBe(true);
    expect(validate({ type: 'opa', url: 'http://opa:8181', token_env: 'OPA_TOKEN' })).toBe(true);
    expect(validate({ type: 'kubiya', url: 'http://enforcer.kubiya:5001' })).toBe(true);
    expect(validate({ type: 'vault' })).toBe(false);
    expect(validate({ type: 'opa', url: 'opa:8181' })).toBe(false);
    expect(validate({ type: 'opa', token: 'inline-secret' })).toBe(false);
    expect(validate({ type: 'kubiya', url: 'http://e:5001', token_env: 'X' })).toBe(false);
    expect(validate({ type: 'opa', token_env: 'not a name' })).toBe(false);
  });

  it('categoryConfigSchema needs an approver group and lists of names', () => {
    const validate = ajv.compile(categoryConfigSchema);
    expect(validate({ approver_group: 'ops', restricted_tools: ['create_ec2'] })).toBe(true);
    expect(validate({ restricted_tools: [] })).toBe(false);
    expect(validate({ approver_group: 'ops', admin_tools: 'approve' })).toBe(false);
    expect(validate({ approver_group: 'ops', admin_tools: ['a', 'a'] })).toBe(false);
  });
});

describe('opaGrantDocument', () => {
  it('serialises expires_at_ns as the exact integer number of nanoseconds', () => {
    const base = { grantId: 'g', requestId: 'r', userEmail: 'a@x', toolName: 't', parameters: {}, approvedBy: 'b@x' };
    const samples = [0, 1, 999, Date.UTC(2026, 0, 1, 1, 0, 0, 123), Date.UTC(2099, 11, 31, 23, 59, 59, 999)];
    let seed = 7;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      samples.push(Date.UTC(2025, 0, 1) + (seed % (5 * 365 * 86_400_000)));
    }
    for (const expiresAt of samples) {
      const json = JSON.stringify(opaGrantDocument({ ...base, expiresAt }));
      expect(json).toContain(`"expires_at_ns":${(BigInt(expiresAt) * 1_000_000n).toString()},`);
    }
  });
});
