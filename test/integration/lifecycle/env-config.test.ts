import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeConfigPackage } from '../../../scripts/config/config-package.js';
import { CONFIG_PATH } from '../../../tools/content.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

interface BundleTool {
  name: string;
  content: string;
  with_files: { destination: string; content: string }[];
}

const POLICY = { policy_name: 'ReadOnlyAccess', aws_account_id: '123456789012', request_name: 'Read Only' };

/**
 * A bundle tool run, as Kubiya's runner makes it: the tool's package at JIT_CONFIG, its fingerprint exported by
 * its content, and whatever the teammate's environment adds (JIT_CONFIG_JSON).
 */
describe('a config from the environment (JIT_CONFIG_JSON) in a bundle tool', () => {
  let h: LifecycleHarness;
  let config: Record<string, unknown>;
  let toolEnv: Record<string, string>;

  async function buildBundle(name: string, env: Record<string, string> = {}): Promise<Record<string, string>> {
    const out = join(h.dir, name);
    const run = await h.run(undefined, ['bundle', '--out', out], { env });
    expect(run.code, run.stdout).toBe(0);
    const tool = (JSON.parse(readFileSync(out, 'utf8')) as { tools: BundleTool[] }).tools.find((t) => t.name === 'request_tool_access')!;
    const pkg = join(h.dir, `${name}.pkg`);
    writeFileSync(pkg, tool.with_files.find((f) => f.destination === CONFIG_PATH)!.content);
    return { JIT_CONFIG: pkg, JIT_BUNDLE_FINGERPRINT: /^export JIT_BUNDLE_FINGERPRINT=(\S+)$/m.exec(tool.content)![1]! };
  }

  const withPolicies = (policies: unknown[], change: (c: Record<string, unknown>) => void = () => undefined) => {
    const copy = structuredClone(config);
    copy.policies = policies;
    change(copy);
    return { ...toolEnv, JIT_CONFIG_JSON: JSON.stringify(copy) };
  };

  beforeAll(async () => {
    h = await LifecycleHarness.start((c) => {
      c.policies = [POLICY];
      (c.directory as { groups: Record<string, unknown[]> }).groups['db-owners'] = ['bob@example.com'];
    });
    config = JSON.parse(readFileSync(h.configPath, 'utf8')) as Record<string, unknown>;
    toolEnv = await buildBundle('kubiya_bundle.json');
    // The config file is gone from the tool's world: only the package and the environment remain.
    writeFileSync(h.configPath, '{"not": "read"}');
  });
  afterAll(async () => h.close());

  it('runs on the config the bundle carries when the environment has none', async () => {
    const run = await h.request({}, PEOPLE.dev.email).then(() => h.run(PEOPLE.dev.email, ['config'], { env: toolEnv }));
    expect(run.code, run.stdout).toBe(0);
    expect(run.json).toMatchObject({ origin: 'bundle', fingerprint: toolEnv.JIT_BUNDLE_FINGERPRINT, tools: ['request_read_only'] });
  });

  it('takes a changed config from the environment without a rebuild, and it wins over the bundle', async () => {
    const env = withPolicies([POLICY], (c) => ((c.approvals as Record<string, unknown>).default_approver_groups = ['db-owners']));
    const run = await h.run(PEOPLE.dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region": "eu-west-1"}', '--justification', 'Hotfix INC-7'], { env });
    expect(run.code, run.stdout).toBe(0);
    const posted = JSON.stringify(h.messagesIn().at(-1)?.blocks);
    expect(posted).toContain('db-owners');
    expect(posted).toContain('bob@example.com');
    // The passed check is remembered on the data volume, keyed by the config: other configs are still checked.
    expect(readdirSync(join(h.dir, '.bundle-match')).length).toBe(1);
  });

  it.each([
    ['a new policy', [POLICY, { ...POLICY, policy_name: 'PowerUserAccess', request_name: 'Power User' }], /adds tools the bundle lacks: request_power_user/],
    ['a renamed entry', [{ ...POLICY, request_name: 'Read Everything' }], /adds tools the bundle lacks: request_read_everything.*bundle has tools the config no longer defines: request_read_only/],
    ['a removed entry', [], /bundle has tools the config no longer defines: request_read_only/],
  ])('refuses %s with what differs and how to rebuild, before storing or sending anything', async (_label, policies, message) => {
    const before = h.messagesIn().length;
    const run = await h.run(PEOPLE.dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region": "eu-west-1"}', '--justification', 'x'], { env: withPolicies(policies) });
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ ok: false, code: 'config.bundle_mismatch' });
    expect(String(run.json.message)).toMatch(message);
    expect(String(run.json.message)).toMatch(/JIT_CONFIG_JSON.*rebuild the bundle/);
    expect(h.messagesIn().length).toBe(before);
  });

  it('refuses an extra variable or another image the bundle does not give its tools', async () => {
    const run = await h.run(PEOPLE.dev.email, ['config'], { env: withPolicies([POLICY], (c) => (c.bundle = { image: 'registry.example.com/jit:9', secrets: ['OKTA_PRIVATE_KEY'] })) });
    expect(run.json).toMatchObject({ code: 'config.bundle_mismatch' });
    expect(String(run.json.message)).toContain('names the image registry.example.com/jit:9');
    expect(String(run.json.message)).toContain('does not pass the secrets OKTA_PRIVATE_KEY');
  });

  it('names the key and the variable when the environment holds a bad config', async () => {
    const bad = await h.run(PEOPLE.dev.email, ['describe_access_request', '--request_id', 'req_x'], { env: withPolicies([POLICY], (c) => (c.expiry = { warn_before: 'soon' })) });
    expect(bad.json).toMatchObject({ ok: false, code: 'config.invalid' });
    expect(String(bad.json.message)).toMatch(/^JIT_CONFIG_JSON \(the config from the environment\): expiry\.warn_before: must be a duration/);
    const s3 = withPolicies([POLICY], (c) => (c.aws = { s3_configs: { Lake: { name: 'lake', description: 'd', buckets: ['Bad_Bucket'], policy_template: 'S3ReadOnlyPolicy', session_duration: 'PT1H' } } }));
    const run = await h.run(PEOPLE.dev.email, ['config'], { env: s3 });
    expect(String(run.json.message)).toMatch(/JIT_CONFIG_JSON \(the config from the environment\): aws\.s3_configs: entry "Lake", field buckets/);
  });

  it('accepts the new config once the bundle is rebuilt with it', async () => {
    const policies = [POLICY, { ...POLICY, policy_name: 'PowerUserAccess', request_name: 'Power User' }];
    const { JIT_CONFIG_JSON } = withPolicies(policies);
    const rebuilt = await buildBundle('rebuilt.json', { JIT_CONFIG_JSON: JIT_CONFIG_JSON! });
    const run = await h.run(PEOPLE.dev.email, ['config'], { env: { ...rebuilt, JIT_CONFIG_JSON: JIT_CONFIG_JSON! } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.json).toMatchObject({ origin: 'env', fingerprint: rebuilt.JIT_BUNDLE_FINGERPRINT, tools: ['request_power_user', 'request_read_only'] });
    // The rebuilt bundle carries that config, so it also runs without the variable.
    expect(decodeConfigPackage(readFileSync(rebuilt.JIT_CONFIG!, 'utf8'), 'pkg').config.policies).toEqual(policies);
  });
});
