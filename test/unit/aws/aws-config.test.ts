import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { accessConfigsSchema, s3ConfigsSchema } from '../../../scripts/config/aws/aws-schemas.js';
import { loadAwsCatalog } from '../../../scripts/config/aws/load-aws-catalog.js';
import { ConfigError } from '../../../scripts/core/errors.js';

const defaults = { maxTtlSeconds: 8 * 3600 };
const policy = (i: number) => ({ policy_name: `Policy${i}`, aws_account_id: '123456789012', request_name: `Access ${i}` });

async function dirWith(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aws-config-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('the shipped example files', () => {
  it('pass their own schemas, and the schema files equal the schemas the loader uses', async () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const [file, schema, schemaFile] of [
      ['configs/access_configs.json', accessConfigsSchema, 'configs/schema/access_configs.schema.json'],
      ['configs/s3_configs.json', s3ConfigsSchema, 'configs/schema/s3_configs.schema.json'],
    ] as const) {
      const shipped = JSON.parse(await readFile(schemaFile, 'utf8'));
      expect(shipped).toEqual(JSON.parse(JSON.stringify(schema)));
      const validate = ajv.compile(shipped);
      const data = JSON.parse(await readFile(file, 'utf8'));
      expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
      expect(Object.keys(data).length).toBeGreaterThan(0);
    }
  });

  it('become the tools Kubiya names for them', async () => {
    const { entries } = await loadAwsCatalog({ configDir: 'configs', policies: [policy(1)], aws: undefined, defaults });
    const names = entries.map((e) => [e.name, e.provider, e.dedicatedTool?.revokeTool ?? null]);
    expect(names).toEqual([
      ['request_access_1', 'aws-iam-policy', null],
      ['jit_session_grant_database_access_to_staging', 'aws-identity-center', 'jit_session_revoke_database_access_to_staging'],
      ['jit_session_grant_power_user_access_to_sandbox', 'aws-identity-center', 'jit_session_revoke_power_user_access_to_sandbox'],
      ['s3_grant_data_lake_read', 'aws-s3', 's3_revoke_data_lake_read'],
      ['s3_grant_report_exports_full_access', 'aws-s3', 's3_revoke_report_exports_full_access'],
    ]);
    const staging = entries[1]!;
    expect(staging.maxTtlSeconds).toBe(3600);
    expect(staging.settings).toMatchObject({ account_id: '876809951775', permission_set: 'ECRReadOnly' });
    expect(entries[4]!.maxTtlSeconds).toBe(1800);
    expect(entries[0]!.maxTtlSeconds).toBe(defaults.maxTtlSeconds);
    expect(staging.validateParams({})).toEqual([]);
    expect(staging.validateParams({ account_id: '999999999999' })).toHaveLength(1);
  });
});

describe('policies', () => {
  it('accepts 30 and refuses the 31st, saying the maximum', async () => {
    const dir = await dirWith({});
    const thirty = Array.from({ length: 30 }, (_, i) => policy(i));
    expect((await loadAwsCatalog({ configDir: dir, policies: thirty, aws: {}, defaults })).entries).toHaveLength(30);
    const err = await configError(loadAwsCatalog({ configDir: dir, policies: [...thirty, policy(30)], aws: {}, defaults }));
    expect(err.message).toMatch(/31 entries; at most 30/);
  });

  it('names the entry and the field of a bad policy', async () => {
    const dir = await dirWith({});
    const bad = [policy(0), { ...policy(1), aws_account_id: '12345' }];
    const err = await configError(loadAwsCatalog({ configDir: dir, policies: bad, aws: {}, defaults }));
    expect(err.message).toContain('policies');
    expect(err.message).toContain('[1] ("Access 1")');
    expect(err.message).toContain('field aws_account_id: must be a 12-digit AWS account id');
  });
});

describe('access_configs.json and s3_configs.json', () => {
  it('name the file, the entry and the field of a bad value', async () => {
    const dir = await dirWith({
      's3_configs.json': { 'Data Lake': { name: 'Data Lake', description: 'd', buckets: ['ok-bucket'], policy_template: 'S3Admin', session_duration: 'PT1H' } },
    });
    const err = await configError(loadAwsCatalog({ configDir: dir, policies: [], aws: {}, defaults }));
    expect(err.message).toContain(join(dir, 's3_configs.json'));
    expect(err.message).toContain('entry "Data Lake", field policy_template: must be one of "S3ReadOnlyPolicy", "S3FullAccessPolicy"');
  });

  it('refuse an empty bucket list, a misspelt field and a missing field', async () => {
    const dir = await dirWith({
      's3_configs.json': { A: { name: 'A', description: 'd', buckets: [], policy_template: 'S3ReadOnlyPolicy', session_duration: 'PT1H' } },
      'access_configs.json': { B: { name: 'B', description: 'd', acount_id: '123456789012', permission_set: 'X', session_duration: 'PT1H' } },
    });
    const access = await configError(loadAwsCatalog({ configDir: dir, policies: [], aws: {}, defaults }));
    expect(access.message).toContain('entry "B", field acount_id: is not a known field');
    expect(access.message).toContain('entry "B", field account_id: is missing');
    await writeFile(join(dir, 'access_configs.json'), '{}');
    const s3 = await configError(loadAwsCatalog({ configDir: dir, policies: [], aws: {}, defaults }));
    expect(s3.message).toContain('entry "A", field buckets: must NOT have fewer than 1 items');
  });

  it('refuse a file that is not JSON, rather than loading no tools', async () => {
    const dir = await dirWith({ 'access_configs.json': '{ "A": ' });
    const err = await configError(loadAwsCatalog({ configDir: dir, policies: [], aws: {}, defaults }));
    expect(err.message).toMatch(/access_configs\.json: is not valid JSON/);
  });

  it('refuse two entries that would produce the same tool name', async () => {
    const entry = { description: 'd', account_id: '123456789012', permission_set: 'X', session_duration: 'PT1H' };
    const dir = await dirWith({ 'access_configs.json': { A: { ...entry, name: 'Dev Ops' }, B: { ...entry, name: 'dev-ops' } } });
    const err = await configError(loadAwsCatalog({ configDir: dir, policies: [], aws: {}, defaults }));
    expect(err.message).toContain('jit_session_grant_dev_ops');
    // The file and both entries, so the person knows what to rename.
    expect(err.message).toContain(`${join(dir, 'access_configs.json')}: entry "A" and ${join(dir, 'access_configs.json')}: entry "B"`);
  });

  it('name the config file and both entries for the config\'s own lists', async () => {
    const dir = await dirWith({});
    const roles = [{ name: 'Prod Deploy', role_name: 'a', description: 'd', session_duration: 'PT1H' }, { name: 'prod-deploy', role_name: 'b', description: 'd', session_duration: 'PT1H' }];
    const err = await configError(loadAwsCatalog({ configDir: dir, policies: [], aws: { role_trust: roles }, defaults, configPath: '/etc/jit.yaml' }));
    expect(err.message).toContain('role_trust_grant_prod_deploy: /etc/jit.yaml: aws.role_trust[0] ("Prod Deploy") and /etc/jit.yaml: aws.role_trust[1] ("prod-deploy")');
    const policies = [{ ...policy(1), request_name: 'Read Only' }, { ...policy(2), request_name: 'read-only' }];
    const clash = await configError(loadAwsCatalog({ configDir: dir, policies, aws: {}, defaults, configPath: '/etc/jit.yaml' }));
    expect(clash.message).toContain('/etc/jit.yaml: policies[0] ("Read Only") and /etc/jit.yaml: policies[1] ("read-only")');
  });
});

describe('the aws section', () => {
  it('builds role trust and dynamic entries and the principal mapping', async () => {
    const dir = await dirWith({});
    const { entries, settings } = await loadAwsCatalog({
      configDir: dir,
      policies: [],
      defaults,
      aws: {
        region: 'eu-west-1',
        principals: { iam_user: '{local}', allowed_domains: ['example.com'], overrides: { 'Ops@Example.com': { iam_user: 'ops-admin' } } },
        role_trust: [{ name: 'Prod Deploy', role_name: 'prod-deploy', description: 'Assume the deploy role', session_duration: 'PT15M' }],
        policy_templates: { QueueRead: { description: 'q', statements: [{ actions: ['sqs:ReceiveMessage'], resources: ['arn:aws:sqs:*:{account_id}:jobs'] }] } },
        dynamic_policies: [{ name: 'Jobs Queue', description: 'Read jobs', template: 'QueueRead', session_duration: 'PT2H', account_id: '123456789012' }],
      },
    });
    expect(entries.map((e) => [e.name, e.provider, e.dedicatedTool?.revokeTool, e.maxTtlSeconds])).toEqual([
      ['role_trust_grant_prod_deploy', 'aws-role-trust', 'role_trust_revoke_prod_deploy', 900],
      ['iam_grant_jobs_queue', 'aws-iam-dynamic', 'iam_revoke_jobs_queue', 7200],
    ]);
    expect(settings.region).toBe('eu-west-1');
    expect(settings.principals.overrides['ops@example.com']).toEqual({ iamUser: 'ops-admin', identityCenterUser: undefined, principalArn: undefined });
    expect(settings.policyTemplates.QueueRead).toBeDefined();
  });

  it('names a bad field and refuses a template nobody defined', async () => {
    const dir = await dirWith({});
    const bad = await configError(loadAwsCatalog({ configDir: dir, policies: [], defaults, aws: { principals: { iam_usr: '{local}' } } }));
    expect(bad.message).toContain('field principals.iam_usr: is not a known field');
    const missing = await configError(
      loadAwsCatalog({ configDir: dir, policies: [], defaults, aws: { dynamic_policies: [{ name: 'X', description: 'd', template: 'Nope', session_duration: 'PT1H' }] } }),
    );
    expect(missing.message).toContain('aws.dynamic_policies[0] ("X"), field template');
  });

  it('refuses a template that allows permission management, naming the entry and the action, unless the entry says so', async () => {
    const dir = await dirWith({});
    const aws = (allow?: boolean) => ({
      policy_templates: { BucketAdmin: { description: 'b', statements: [{ actions: ['s3:GetObject', 's3:Put*'], resources: ['arn:aws:s3:::{bucket}'] }] } },
      dynamic_policies: [{ name: 'Lake Admin', description: 'd', template: 'BucketAdmin', session_duration: 'PT1H', buckets: ['lake'], ...(allow === undefined ? {} : { allow_permission_management: allow }) }],
    });
    for (const value of [undefined, false]) {
      const err = await configError(loadAwsCatalog({ configDir: dir, policies: [], defaults, aws: aws(value) }));
      expect(err.message).toContain('aws.dynamic_policies[0] ("Lake Admin")');
      expect(err.message).toContain('s3:PutBucketPolicy (through "s3:Put*")');
      expect(err.message).toContain('allow_permission_management: true');
    }
    const { entries } = await loadAwsCatalog({ configDir: dir, policies: [], defaults, aws: aws(true) });
    expect(entries.map((e) => e.name)).toEqual(['iam_grant_lake_admin']);
    const sts = await configError(
      loadAwsCatalog({
        configDir: dir,
        policies: [],
        defaults,
        aws: { policy_templates: { Hop: { description: 'h', statements: [{ actions: ['sts:AssumeRole'], resources: ['*'] }] } }, dynamic_policies: [{ name: 'Hop', description: 'd', template: 'Hop', session_duration: 'PT1H' }] },
      }),
    );
    expect(sts.message).toContain('sts:AssumeRole');
  });
});
