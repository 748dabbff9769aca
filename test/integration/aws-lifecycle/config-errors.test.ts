import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseConfig, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { writeConfigFile } from '../../support/aws-harness.js';

const policy = (i: number) => ({ policy_name: `Policy${i}`, aws_account_id: '123456789012', request_name: `Policy ${i}` });
const MISSING = 'req_0000000000000000';

/** One run of each tool the package ships, plus a generated one: requests, decisions, ends, queries, the sweep. */
const TOOL_RUNS: string[][] = [
  ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region": "eu-west-1"}', '--justification', 'Reproduce INC-42'],
  ['request_policy_1', '--justification', 'Reproduce INC-42'],
  ['approve_tool_access_request', '--request_id', MISSING, '--approval_action', 'approve'],
  ['revoke_access', '--request_id', MISSING, '--reason', 'done'],
  ['cancel_access_request', '--request_id', MISSING],
  ['describe_access_request', '--request_id', MISSING],
  ['list_active_access_requests'],
  ['view_user_requests'],
  ['search_access_requests', '--query', 'ec2'],
  ['sweep_expired_access'],
];

// No AWS call is made before the config is read, so these run without moto.
describe('a bad AWS configuration is a ConfigError that names what to fix, through the real CLI', () => {
  let h: LifecycleHarness;
  const run = (args: string[]) => h.run(PEOPLE.dev.email, args);

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h?.close());

  it('a config with 31 policies fails every tool run, naming the file and the key', async () => {
    h.writeConfig({ ...baseConfig(h.opa.url), policies: Array.from({ length: 31 }, (_, i) => policy(i + 1)) });
    for (const args of TOOL_RUNS) {
      const r = await run(args);
      expect(r.code, `${args[0]}: ${r.stdout}`).toBe(1);
      expect(r.json, args[0]).toMatchObject({ ok: false, code: 'config.invalid' });
      expect(r.json.message, args[0]).toContain(h.configPath);
      expect(r.json.message, args[0]).toMatch(/policies: .*30/);
    }
    // Nothing is sent about any request; the sweep alone reports the config error to the approvers' channel
    // (expiry goes on despite it and says so: runbook "A config error during expiry"), once.
    const texts = h.slack.messages.map((m) => `${m.text ?? ''}${JSON.stringify(m.blocks ?? [])}`);
    expect(texts.filter((t) => !/The kubiya-jit config cannot be used: .*policies/.test(t))).toEqual([]);
    expect(texts.length).toBeLessThanOrEqual(1);
  });

  it('30 policies are fine: each is a request tool', async () => {
    h.writeConfig({ ...baseConfig(h.opa.url), policies: Array.from({ length: 30 }, (_, i) => policy(i + 1)) });
    const listed = await run(['sweep_expired_access']);
    expect(listed.code, listed.stdout).toBe(0);
    // Policy30 does not exist in any AWS account, but the tool exists: it gets as far as the directory check.
    const asked = await h.run(PEOPLE.mallory.email, ['request_policy_30', '--justification', 'Reproduce INC-42']);
    expect(asked.json.code).toBe('request.requester_not_active');
  });

  it('a bad s3_configs.json entry names the file, the entry and the field', async () => {
    h.writeConfig(baseConfig(h.opa.url));
    writeConfigFile(h, 's3_configs.json', {
      'Data Lake': { name: 'Data Lake', description: 'Read the lake', buckets: ['company-data-lake'], policy_template: 'S3WriteOnly', session_duration: 'PT1H' },
    });
    for (const args of [TOOL_RUNS[0]!, ['s3_grant_data_lake', '--justification', 'Load the lake'], ['sweep_expired_access']]) {
      const r = await run(args);
      expect(r.code, `${args[0]}: ${r.stdout}`).toBe(1);
      expect(r.json.code).toBe('config.invalid');
      expect(r.json.message).toContain(`${h.dir}/s3_configs.json`);
      expect(r.json.message).toContain('entry "Data Lake"');
      expect(r.json.message).toContain('field policy_template');
      expect(r.json.message).toContain('S3ReadOnlyPolicy');
    }
  });

  it('a bucket name S3 would refuse, and a missing field, are each named', async () => {
    writeConfigFile(h, 's3_configs.json', {
      'Data Lake': { name: 'Data Lake', description: 'Read the lake', buckets: ['Company_Lake'], policy_template: 'S3ReadOnlyPolicy' },
    });
    const r = await run(TOOL_RUNS[0]!);
    expect(r.code).toBe(1);
    expect(r.json.message).toContain('entry "Data Lake", field buckets[0]');
    expect(r.json.message).toContain('entry "Data Lake", field session_duration: is missing');
  });

  it('every operator command that loads the AWS files fails the same way on a bad one', async () => {
    h.writeConfig(baseConfig(h.opa.url));
    writeConfigFile(h, 's3_configs.json', {
      'Data Lake': { name: 'Data Lake', description: 'Read the lake', buckets: ['company-data-lake'], policy_template: 'S3WriteOnly', session_duration: 'PT1H' },
    });
    const commands = [
      ['bundle', '--check', '--out', `${h.dir}/bundle.json`],
      ['approvers', '--tool_name', 'create_ec2', '--tool_params', '{"region": "eu-west-1"}'],
      ['reconcile'],
      ['aws', 'runner-policy'],
      ['enforcer', 'policy'],
    ];
    for (const args of commands) {
      const r = await h.run(undefined, args);
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(1);
      expect(r.json, args.join(' ')).toMatchObject({ ok: false, code: 'config.invalid' });
      expect(r.json.message, args.join(' ')).toContain(`${h.dir}/s3_configs.json: entry "Data Lake", field policy_template`);
    }
  });

  it('a file that is not JSON is an error naming it, never an empty tool list', async () => {
    writeConfigFile(h, 's3_configs.json', '{"Data Lake": ');
    const r = await run(['s3_grant_data_lake', '--justification', 'Load the lake']);
    expect(r.code).toBe(1);
    expect(r.json.code).toBe('config.invalid');
    expect(r.json.message).toContain(`${h.dir}/s3_configs.json: is not valid JSON`);
  });
});
