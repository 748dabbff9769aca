import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFullCatalog } from '../../../scripts/app/build-catalog-all.js';
import { decodeConfigPackage, encodeConfigPackage, PACKAGE_HEADER } from '../../../scripts/config/config-package.js';
import { knowledgeSource } from '../../../scripts/config/knowledge-source.js';
import { DEFAULT_CONFIG_PATH, ENV_CONFIG_LABEL, loadConfig } from '../../../scripts/config/load-config.js';
import { ConfigError } from '../../../scripts/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'jit-env-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const S3 = { Lake: { name: 'lake read', description: 'Read the lake', buckets: ['company-lake'], policy_template: 'S3ReadOnlyPolicy', session_duration: 'PT1H' } };

describe('JIT_CONFIG_JSON', () => {
  it('wins over JIT_CONFIG and the embedded default, and says where the config came from', async () => {
    const file = join(dir, 'file.json');
    writeFileSync(file, JSON.stringify({ requesters: { allowed_groups: ['from-file'] } }));
    const config = await loadConfig({ JIT_CONFIG: file, JIT_CONFIG_JSON: JSON.stringify({ requesters: { allowed_groups: ['from-env'] } }) });
    expect(config.file.requesters?.allowed_groups).toEqual(['from-env']);
    expect(config).toMatchObject({ origin: 'env', path: ENV_CONFIG_LABEL, dir });
    // Blank counts as unset, so a teammate variable left empty does not hide the bundle's config.
    expect((await loadConfig({ JIT_CONFIG: file, JIT_CONFIG_JSON: '  ' })).file.requesters?.allowed_groups).toEqual(['from-file']);
  });

  it('accepts every key the file accepts: the shipped config, as JSON in the variable, loads the same', async () => {
    const fromFile = await loadConfig({});
    const fromEnv = await loadConfig({ JIT_CONFIG_JSON: JSON.stringify(fromFile.file) });
    expect(fromEnv.file).toEqual(fromFile.file);
    expect(fromFile.path).toBe(DEFAULT_CONFIG_PATH);
  });

  it.each([
    ['an unknown key', { approverz: [] }, /^JIT_CONFIG_JSON \(the config from the environment\): \(top level\): unknown key "approverz"/],
    ['a bad duration', { approvals: { timeout: 'later' } }, /: approvals\.timeout: must be a duration/],
    ['a wrong type', { requesters: { allowed_groups: 'engineering' } }, /: requesters\.allowed_groups: must be array/],
    ['a missing key', { directory: { groups: {} } }, /: directory: missing required key "type"/],
    ['too many policies', { policies: Array.from({ length: 31 }, () => ({})) }, /: policies: must NOT have more than 30 items/],
  ])('names the variable and the key for %s', async (_label, value, message) => {
    const error = await loadConfig({ JIT_CONFIG_JSON: JSON.stringify(value) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    ['not JSON', '{"requesters": ', /JIT_CONFIG_JSON is not valid JSON/],
    ['an array', '[{}]', /JIT_CONFIG_JSON must hold a JSON object/],
    ['a string', '"configs/jit.yaml"', /JIT_CONFIG_JSON must hold a JSON object/],
  ])('refuses %s, saying what to set', async (_label, text, message) => {
    await expect(loadConfig({ JIT_CONFIG_JSON: text })).rejects.toThrow(message);
  });

  it('carries AWS entries inline, checked by the files\' schemas and named as in the variable', async () => {
    const config = await loadConfig({ JIT_CONFIG_JSON: JSON.stringify({ aws: { s3_configs: S3 } }) });
    const { catalog } = await buildFullCatalog(config);
    expect(catalog.list().map((entry) => entry.name)).toEqual(['s3_grant_lake_read']);
    const bad = await loadConfig({ JIT_CONFIG_JSON: JSON.stringify({ aws: { s3_configs: { Lake: { ...S3.Lake, policy_template: 'Admin' } } } }) });
    await expect(buildFullCatalog(bad)).rejects.toThrow(/^JIT_CONFIG_JSON \(the config from the environment\): aws\.s3_configs: entry "Lake", field policy_template: must be one of/);
    const both = await loadConfig({ JIT_CONFIG_JSON: JSON.stringify({ aws: { s3_configs: S3, s3_configs_file: 'x.json' } }) });
    await expect(buildFullCatalog(both)).rejects.toThrow(/aws\.s3_configs and aws\.s3_configs_file are both set/);
    const policy = await loadConfig({ JIT_CONFIG_JSON: JSON.stringify({ policies: [{ policy_name: 'P', aws_account_id: '12', request_name: 'r' }] }) });
    await expect(buildFullCatalog(policy)).rejects.toThrow(/^JIT_CONFIG_JSON \(the config from the environment\): policies: entry \[0\] \("r"\), field aws_account_id/);
  });
});

describe('the config package a bundle tool carries', () => {
  const config = { approvals: { knowledge: { allowlist: ['a'] } }, aws: { s3_configs: S3 } };

  it('round-trips, is loaded by its header whatever the file is called, and is far smaller than its content', async () => {
    const knowledge = { 'lake.md': `---\ngroups: [a]\n---\n${'The data lake holds the company data. '.repeat(50)}` };
    const text = encodeConfigPackage({ config, knowledge });
    expect(text.startsWith(`${PACKAGE_HEADER}\n`)).toBe(true);
    expect(text.length).toBeLessThan(JSON.stringify({ config, knowledge }).length / 2);
    const path = join(dir, 'anything.yaml');
    writeFileSync(path, text);
    const loaded = await loadConfig({ JIT_CONFIG: path });
    expect(loaded).toMatchObject({ origin: 'bundle', path, file: config });
    expect(await loaded.documents!()).toEqual(knowledge);
  });

  it('is refused when damaged or when its config breaks the schema, naming the file and the key', async () => {
    expect(() => decodeConfigPackage(`${PACKAGE_HEADER}\nnot*base64\n`, 'x.pkg')).toThrow(/x\.pkg is a damaged config package: rebuild the bundle/);
    expect(() => decodeConfigPackage(`${PACKAGE_HEADER}\n${Buffer.from('plain').toString('base64')}\n`, 'x.pkg')).toThrow(/damaged/);
    const path = join(dir, 'bad.pkg');
    writeFileSync(path, encodeConfigPackage({ config: { expiry: { warn_before: 'soon' } } }));
    await expect(loadConfig({ JIT_CONFIG: path })).rejects.toThrow(new RegExp(`${path}: expiry\\.warn_before: must be a duration`));
  });
});

describe('where the knowledge documents come from', () => {
  const doc = (group: string) => `---\ngroups: [${group}]\n---\nText`;
  const pkgPath = join(dir, 'knowledge.pkg');
  writeFileSync(pkgPath, encodeConfigPackage({ config: { approvals: { knowledge: { allowlist: ['a'] } } }, knowledge: { 'bundled.md': doc('a') } }));
  const folder = join(dir, 'mounted');
  mkdirSync(folder, { recursive: true });

  it('takes JIT_KNOWLEDGE_JSON first, then an absolute folder, then the bundle, then the folder beside the config', async () => {
    const env = (knowledge: Record<string, unknown>) => ({ JIT_CONFIG: pkgPath, JIT_CONFIG_JSON: JSON.stringify({ approvals: { knowledge } }) });
    const inline = await loadConfig({ ...env({ allowlist: ['a'], dir: folder }), JIT_KNOWLEDGE_JSON: JSON.stringify({ 'kubiya.md': doc('a') }) });
    expect(await knowledgeSource(inline, { JIT_KNOWLEDGE_JSON: JSON.stringify({ 'kubiya.md': doc('a') }) })).toEqual({ kind: 'documents', label: 'JIT_KNOWLEDGE_JSON', documents: { 'kubiya.md': doc('a') } });
    expect(await knowledgeSource(await loadConfig(env({ allowlist: ['a'], dir: folder })), {})).toEqual({ kind: 'dir', dir: folder });
    expect(await knowledgeSource(await loadConfig(env({ allowlist: ['a'] })), {})).toMatchObject({ kind: 'documents', documents: { 'bundled.md': doc('a') } });
    expect(await knowledgeSource(await loadConfig({}), {})).toMatchObject({ kind: 'dir', dir: expect.stringMatching(/configs\/knowledge$/) });
    expect(await knowledgeSource(await loadConfig({ JIT_CONFIG_JSON: '{}' }), {})).toBeUndefined();
  });

  it.each([
    ['not JSON', '{', /JIT_KNOWLEDGE_JSON is not valid JSON/],
    ['a list', '["a.md"]', /must be a JSON object/],
    ['a path as a name', '{"../etc/passwd.md": "x"}', /"\.\.\/etc\/passwd\.md" must be a file name ending in \.md/],
    ['a non-text document', '{"a.md": 1}', /"a\.md" must be a file name ending in \.md .* as a string/],
  ])('refuses a JIT_KNOWLEDGE_JSON that is %s', async (_label, text, message) => {
    await expect(knowledgeSource(await loadConfig({ JIT_CONFIG: pkgPath }), { JIT_KNOWLEDGE_JSON: text })).rejects.toThrow(message);
  });

  it('still reads the shipped documents unchanged from the committed bundle', () => {
    const bundle = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'kubiya_bundle.json'), 'utf8')) as { tools: { with_files: { content: string }[] }[] };
    const carried = decodeConfigPackage(bundle.tools[0]!.with_files[0]!.content, 'bundle').knowledge ?? {};
    const shipped = join(import.meta.dirname, '..', '..', '..', 'configs', 'knowledge');
    for (const [name, text] of Object.entries(carried)) expect(text).toBe(readFileSync(join(shipped, name), 'utf8'));
    expect(Object.keys(carried).length).toBeGreaterThan(0);
  });
});
