import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledConfig, extraNames } from '../../../scripts/cli/commands/bundle-files.js';
import type { JitConfigFile } from '../../../scripts/config/jit-config.js';

const root = mkdtempSync(join(tmpdir(), 'jit-bundle-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bundledConfig', () => {
  it('carries renamed companion files and a knowledge folder from elsewhere to fixed names, and the copy points at them', () => {
    const dir = join(root, 'conf');
    mkdirSync(join(root, 'shared-knowledge'), { recursive: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'buckets.json'), '{"s3": true}');
    writeFileSync(join(dir, 'access_configs.json'), '{"sso": true}');
    writeFileSync(join(root, 'shared-knowledge', 'compute.md'), '---\ngroups: [a]\n---\nEC2');
    writeFileSync(join(root, 'shared-knowledge', 'notes.txt'), 'not knowledge');
    const file: JitConfigFile = {
      approvals: { knowledge: { dir: '../shared-knowledge', allowlist: ['a'] } },
      aws: { region: 'eu-west-1', s3_configs_file: 'buckets.json' },
    };
    const result = bundledConfig({ file, path: join(dir, 'jit.yaml'), dir });
    expect(result.files).toEqual([
      { path: 'access_configs.json', content: '{"sso": true}' },
      { path: 's3_configs.json', content: '{"s3": true}' },
      { path: 'knowledge/compute.md', content: '---\ngroups: [a]\n---\nEC2' },
    ]);
    expect(result.file.approvals?.knowledge?.dir).toBe('knowledge');
    expect(result.file.aws).toEqual({ region: 'eu-west-1' });
    // The loaded config itself is left as it was.
    expect(file.aws?.s3_configs_file).toBe('buckets.json');
  });

  it('adds the configured extra variables and the OPA token variable to what the tools receive', () => {
    expect(extraNames({ bundle: { env: ['OKTA_CLIENT_ID'], secrets: ['OKTA_PRIVATE_KEY'] }, enforcer: { type: 'opa', url: 'http://opa:8181', token_env: 'OPA_TOKEN' } })).toEqual({
      env: ['OKTA_CLIENT_ID'],
      secrets: ['OKTA_PRIVATE_KEY', 'OPA_TOKEN'],
    });
  });
});
