import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledPackage } from '../../../scripts/cli/commands/bundle-files.js';
import type { JitConfigFile } from '../../../scripts/config/jit-config.js';
import { bundleSettings } from '../../../tools/bundle-shape.js';

const root = mkdtempSync(join(tmpdir(), 'jit-bundle-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bundledPackage', () => {
  it('inlines renamed companion files and carries a knowledge folder from elsewhere, leaving the loaded config as it was', async () => {
    const dir = join(root, 'conf');
    mkdirSync(join(root, 'shared-knowledge'), { recursive: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'buckets.json'), '{"Lake": {"name": "lake"}}');
    writeFileSync(join(dir, 'access_configs.json'), '{"Staging": {"name": "staging"}}');
    writeFileSync(join(root, 'shared-knowledge', 'compute.md'), '---\ngroups: [a]\n---\nEC2');
    writeFileSync(join(root, 'shared-knowledge', 'notes.txt'), 'not knowledge');
    const file: JitConfigFile = {
      approvals: { knowledge: { dir: '../shared-knowledge', allowlist: ['a'] } },
      aws: { region: 'eu-west-1', s3_configs_file: 'buckets.json' },
    };
    const pkg = await bundledPackage({ file, path: join(dir, 'jit.yaml'), dir }, {});
    expect(pkg.config.aws).toEqual({ region: 'eu-west-1', access_configs: { Staging: { name: 'staging' } }, s3_configs: { Lake: { name: 'lake' } } });
    expect(pkg.config.approvals?.knowledge).toEqual({ allowlist: ['a'] });
    expect(pkg.knowledge).toEqual({ 'compute.md': '---\ngroups: [a]\n---\nEC2' });
    expect(file.aws?.s3_configs_file).toBe('buckets.json');
    expect(file.approvals?.knowledge?.dir).toBe('../shared-knowledge');
  });

  it('keeps entries already inline, takes knowledge from JIT_KNOWLEDGE_JSON, and names a companion file that is not JSON', async () => {
    const dir = join(root, 'inline');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'access_configs.json'), '{"From file": {}}');
    const file: JitConfigFile = { approvals: { knowledge: { allowlist: ['a'] } }, aws: { access_configs: { Inline: {} } } };
    const pkg = await bundledPackage({ file, path: join(dir, 'jit.yaml'), dir }, { JIT_KNOWLEDGE_JSON: '{"db.md": "---\\ngroups: [a]\\n---\\nDB"}' });
    expect(pkg.config.aws?.access_configs).toEqual({ Inline: {} });
    expect(pkg.knowledge).toEqual({ 'db.md': '---\ngroups: [a]\n---\nDB' });
    writeFileSync(join(dir, 's3_configs.json'), '{ broken');
    await expect(bundledPackage({ file: {}, path: join(dir, 'jit.yaml'), dir }, {})).rejects.toThrow(/s3_configs\.json: is not valid JSON/);
  });

  it('adds the configured extra variables and the OPA token variable to what the tools receive', () => {
    const settings = bundleSettings({ bundle: { env: ['OKTA_CLIENT_ID'], secrets: ['OKTA_PRIVATE_KEY'] }, enforcer: { type: 'opa', url: 'http://opa:8181', token_env: 'OPA_TOKEN' } }, '1.2.3');
    expect(settings.env).toContain('OKTA_CLIENT_ID');
    expect(settings.env).toContain('JIT_CONFIG_JSON');
    expect(settings.secrets).toEqual(expect.arrayContaining(['SLACK_API_TOKEN', 'JIT_CONFIG_JSON', 'OKTA_PRIVATE_KEY', 'OPA_TOKEN']));
    expect(settings.image).toBe('ghcr.io/kubiya-jit/kubiya-jit:1.2.3');
  });

  it('gives the tools JIT_DATABASE_URL as a secret, never as plain env, when the store is PostgreSQL', () => {
    const postgres = bundleSettings({ store: { type: 'postgres' } }, '1.2.3');
    expect(postgres.secrets).toContain('JIT_DATABASE_URL');
    expect(postgres.env).not.toContain('JIT_DATABASE_URL');
    expect(bundleSettings({ store: { type: 'sqlite' } }, '1.2.3').secrets).not.toContain('JIT_DATABASE_URL');
    expect(bundleSettings({}, '1.2.3').secrets).not.toContain('JIT_DATABASE_URL');
  });
});
