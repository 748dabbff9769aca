import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brotliCompressSync, constants } from 'node:zlib';
import { decodeConfigPackage, PACKAGE_HEADER } from '../../../scripts/config/config-package.js';
import { canonicalJson as canonicalJsonOf } from '../../../scripts/core/canonical-json.js';
import { ConfigError } from '../../../scripts/core/errors.js';
import { DATA_VOLUME, buildBundle, defaultImage, serializeBundle } from '../../../tools/bundle.js';
import { checkBundle, writeBundle } from '../../../tools/bundle-file.js';
import { CONFIG_PATH, DATA_PATH } from '../../../tools/content.js';
import { STATIC_TOOLS } from '../../../tools/definitions/index.js';
import { BundleSchema, type Bundle } from '../../../tools/model.js';
import { dbEntry, sampleBundle } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'kubiya-jit-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildBundle', () => {
  const bundle = sampleBundle('0.1.0', { approvers: { groups: [{ name: 'platform' }] } });

  it('produces a bundle that validates against the model, in Kubiya shape', () => {
    expect(BundleSchema.safeParse(JSON.parse(serializeBundle(bundle))).success).toBe(true);
    expect(Object.keys(bundle)).toEqual(['tools', 'errors', 'python_bundle_version']);
    expect(bundle.errors).toEqual([]);
    expect(bundle.python_bundle_version).toBe('0.1.0');
    expect(bundle.tools.map((tool) => tool.name)).toEqual([...STATIC_TOOLS.map((tool) => tool.name), 'jit_db_staging', 'revoke_jit_db_staging']);
  });

  it('gives every tool the image, the env and secrets, the config file, the data volume and a diagram', () => {
    for (const tool of bundle.tools) {
      expect(tool).toMatchObject({ type: 'docker', image: 'example/kubiya-jit:0.1.0' });
      expect(tool.env).toEqual(expect.arrayContaining(['KUBIYA_USER_EMAIL', 'APPROVERS_CHANNEL', 'SLACK_CHANNEL_ID', 'SLACK_THREAD_TS', 'KUBIYA_AGENT_UUID', 'JIT_DATABASE']));
      expect(tool.secrets).toEqual(expect.arrayContaining(['SLACK_API_TOKEN']));
      expect(tool.with_files).toEqual([{ destination: CONFIG_PATH, content: expect.any(String) }]);
      expect(decodeConfigPackage(tool.with_files[0]!.content!, 'test').config).toEqual({ approvers: { groups: [{ name: 'platform' }] } });
      expect(tool.with_volumes).toEqual([{ name: DATA_VOLUME, path: DATA_PATH }]);
      expect(tool.mermaid).toMatch(/^(stateDiagram-v2|flowchart)/);
      expect(tool.content).toContain(`export JIT_CONFIG=${CONFIG_PATH}`);
      expect(tool.content).toContain(`exec kubiya-jit ${tool.name}`);
    }
  });

  it('draws the lifecycle for the request and approve tools', () => {
    for (const name of ['request_tool_access', 'approve_tool_access_request', 'jit_db_staging']) {
      const mermaid = bundle.tools.find((tool) => tool.name === name)!.mermaid!;
      expect(mermaid).toContain('approval_pending --> granting');
      expect(mermaid).toContain('ending --> access_expired');
    }
  });

  it('is byte-stable: the same input gives the same bytes, whatever order the config keys came in', () => {
    const a = serializeBundle(sampleBundle('0.1.0', { a: 1, b: 2 }));
    expect(serializeBundle(sampleBundle('0.1.0', { a: 1, b: 2 }))).toBe(a);
    expect(a.endsWith('}\n')).toBe(true);
    const reordered = JSON.parse(a) as Bundle;
    reordered.tools = reordered.tools.map((tool) => Object.fromEntries(Object.entries(tool).reverse()) as typeof tool);
    expect(serializeBundle(reordered)).toBe(a);
  });

  it('refuses a config that is not an object and a generated tool that breaks the model', () => {
    const base = { staticTools: STATIC_TOOLS, image: 'x:1', version: '1' };
    expect(() => buildBundle({ ...base, generated: [], config: undefined })).toThrow(ConfigError);
    const longParam = dbEntry({ paramsSchema: { type: 'object', properties: { a: { type: 'string', enum: ['x', 'x'] } } } });
    expect(() => buildBundle({ ...base, generated: [longParam], config: {} })).toThrow(/jit_db_staging/);
  });

  it('names the default image after the version', () => {
    expect(defaultImage('1.2.3')).toBe('ghcr.io/kubiya-jit/kubiya-jit:1.2.3');
  });
});

describe('writeBundle and checkBundle', () => {
  it('reports ok for a file it wrote', () => {
    const path = join(dir, 'fresh.json');
    writeBundle(path, sampleBundle());
    expect(checkBundle(path, sampleBundle())).toEqual({ ok: true });
    expect(readFileSync(path, 'utf8')).toBe(serializeBundle(sampleBundle()));
  });

  it('reports a missing file', () => {
    const result = checkBundle(join(dir, 'absent.json'), sampleBundle());
    expect(result.ok).toBe(false);
    expect(result.diff).toContain('does not exist');
  });

  it('reports a stale file and says what differs', () => {
    const path = join(dir, 'stale.json');
    writeBundle(path, sampleBundle('0.1.0'));
    const changed = sampleBundle('0.2.0');
    const result = checkBundle(path, changed);
    expect(result.ok).toBe(false);
    expect(result.diff).toContain('stale');
    expect(result.diff).toContain('image');
    expect(result.diff).toContain('version 0.1.0 should be 0.2.0');
  });

  it('reports added and removed tools, invalid JSON and formatting-only changes', () => {
    const path = join(dir, 'edited.json');
    const full = sampleBundle();
    const fewer = { ...full, tools: full.tools.filter((tool) => tool.name !== 'revoke_jit_db_staging') };
    writeBundle(path, fewer);
    expect(checkBundle(path, full).diff).toContain('missing tools revoke_jit_db_staging');
    expect(checkBundle(path, { ...fewer, tools: fewer.tools.slice(1) }).diff).toContain('no longer defined request_tool_access');
    writeFileSync(path, '{ not json');
    expect(checkBundle(path, full).diff).toContain('not valid JSON');
    writeFileSync(path, JSON.stringify(full));
    expect(checkBundle(path, full).diff).toContain('formatting');
  });
});

describe('checkBundle and the packaged config', () => {
  it('accepts a package encoded with other compressor bytes but the same content, and refuses a changed config', () => {
    const path = join(dir, 'reencoded.json');
    const bundle = sampleBundle('0.1.0', { requesters: { allowed_groups: ['eng'] } });
    const original = bundle.tools[0]!.with_files[0]!.content!;
    const json = canonicalJsonOf(decodeConfigPackage(original, 'test'));
    // The same content compressed at another quality: different bytes, as another zlib version might give.
    const other = `${PACKAGE_HEADER}\n${brotliCompressSync(Buffer.from(json), { params: { [constants.BROTLI_PARAM_QUALITY]: 2 } }).toString('base64')}\n`;
    expect(other).not.toBe(original);
    writeFileSync(path, serializeBundle(bundle).split(JSON.stringify(original).slice(1, -1)).join(JSON.stringify(other).slice(1, -1)));
    expect(readFileSync(path, 'utf8')).not.toBe(serializeBundle(bundle));
    expect(checkBundle(path, bundle)).toEqual({ ok: true });
    const changed = sampleBundle('0.1.0', { requesters: { allowed_groups: ['eng', 'ops'] } });
    expect(checkBundle(path, changed).diff).toContain('with_files differs in every tool');
  });
});

describe('extra files', () => {
  it('places them beside the config package in every tool and refuses two files at one destination', () => {
    const base = { staticTools: STATIC_TOOLS, generated: [], image: 'x:1', version: '1', config: {} };
    const bundle = buildBundle({ ...base, files: [{ destination: '/etc/kubiya-jit/extra/ec2.md', content: '# EC2' }] });
    for (const tool of bundle.tools) {
      expect(tool.with_files.map((file) => file.destination)).toEqual([CONFIG_PATH, '/etc/kubiya-jit/extra/ec2.md']);
    }
    expect(() => buildBundle({ ...base, files: [{ destination: CONFIG_PATH, content: '{}' }] })).toThrow(/two files/);
    expect(() => buildBundle({ ...base, files: [{ destination: 'relative.md', content: '' }] })).toThrow(ConfigError);
  });
});
