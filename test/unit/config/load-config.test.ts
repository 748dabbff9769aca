import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildToolEntries } from '../../../scripts/config/build-catalog.js';
import { buildPolicy } from '../../../scripts/config/build-policy.js';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../../scripts/config/load-config.js';
import { ConfigError } from '../../../scripts/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'jit-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('loads the embedded default config, which passes its own schema', async () => {
    const config = await loadConfig({});
    expect(config.path).toBe(DEFAULT_CONFIG_PATH);
    expect(config.file.tools?.map((t) => t.name)).toContain('create_ec2');
    expect(buildPolicy(config.file).knowledgeGroupAllowlist).toContain('cloud-compute-owners');
  });

  it.each([
    ['an unknown key', '{"tools": [], "approvers": []}', /\(top level\): unknown key "approvers"/],
    ['a bad duration', '{"expiry": {"warn_before": "soon"}}', /expiry\.warn_before: must be a duration/],
    ['a wrong type deep down', '{"tools": [{"name": "x", "description": "d", "max_ttl": 5}]}', /tools\[0\]\.max_ttl: must be string/],
    ['a missing required key', '{"tools": [{"name": "x"}]}', /tools\[0\]: missing required key "description"/],
    ['an unknown enforcer type', '{"enforcer": {"type": "magic"}}', /enforcer\.type: must be one of/],
    ['no removal concurrency', '{"expiry": {"concurrency": 0}}', /expiry\.concurrency: must be >= 1/],
    ['too many notification attempts', '{"expiry": {"notify_attempts": 1000}}', /expiry\.notify_attempts: must be <= 100/],
  ])('names the file and the key for %s', async (_label, text, message) => {
    const path = write('bad.json', text);
    const error = await loadConfig({ JIT_CONFIG: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(message);
  });

  it('says which file could not be parsed', async () => {
    const path = write('broken.yaml', 'tools: [unclosed');
    await expect(loadConfig({ JIT_CONFIG: path })).rejects.toThrow(/broken\.yaml is not valid YAML/);
    await expect(loadConfig({ JIT_CONFIG: join(dir, 'missing.yaml') })).rejects.toThrow(/Cannot read the config file .*Set JIT_CONFIG/);
  });

  it('refuses a default TTL longer than the tool maximum', async () => {
    const path = write('ttl.json', JSON.stringify({ tools: [{ name: 'x', description: 'd', max_ttl: '1h', default_ttl: '2h' }] }));
    const config = await loadConfig({ JIT_CONFIG: path });
    expect(() => buildToolEntries(config)).toThrow(/default_ttl 2h is longer than its max_ttl/);
  });

  it('compiles a tool parameter schema and reports issues by parameter', async () => {
    const path = write('params.json', JSON.stringify({ tools: [{ name: 'x', description: 'd', parameters: { type: 'object', additionalProperties: false, required: ['region'], properties: { region: { enum: ['a'] } } } }] }));
    const [entry] = buildToolEntries(await loadConfig({ JIT_CONFIG: path }));
    expect(entry!.validateParams({ region: 'a' })).toEqual([]);
    expect(entry!.validateParams({ region: 'b' })).toEqual([{ path: 'region', message: 'must be one of "a"' }]);
    expect(entry!.validateParams({})).toEqual([{ path: 'region', message: "must have required property 'region'" }]);
    expect(entry!.validateParams({ region: 'a', extra: 1 })[0]!.message).toMatch(/unknown parameter "extra"/);
  });
});

describe('the expiry settings', () => {
  it('default to 8 removals at once, a 10 s removal lease and 12 notification attempts', () => {
    expect(buildPolicy({})).toMatchObject({ removalConcurrency: 8, removalLeaseSeconds: 10, notifyAttempts: 12 });
    expect(buildPolicy({ expiry: { concurrency: 2, removal_lease: '30s', notify_attempts: 3 } })).toMatchObject({ removalConcurrency: 2, removalLeaseSeconds: 30, notifyAttempts: 3 });
  });

  it('refuse a removal lease too short to renew or too long to recover from, naming the key', () => {
    for (const lease of ['1s', '6m']) {
      expect(() => buildPolicy({ expiry: { removal_lease: lease } })).toThrow(ConfigError);
      expect(() => buildPolicy({ expiry: { removal_lease: lease } })).toThrow(/expiry\.removal_lease is .*2s to 5m/);
    }
  });
});
