import { DeleteUserCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';
import { startMoto, type Moto } from '../../support/moto.js';
import { createIamUser, jitResources, motoClients, runAws, writeConfigFile, type MotoClients } from '../../support/aws-harness.js';

const S3_CONFIGS = {
  'Report Exports': {
    name: 'Report Exports',
    description: 'Every S3 action on the report export bucket.',
    buckets: ['company-report-exports'],
    policy_template: 'S3FullAccessPolicy',
    session_duration: 'PT1H',
  },
};
const TOOL = 's3_grant_report_exports';
const WHY = ['--ttl', '1h', '--justification', 'Re-export the board pack'];

describe('bad input to the AWS tools leaves nothing behind: no row, no message, no AWS resource', () => {
  let moto: Moto;
  let aws: MotoClients;
  let h: LifecycleHarness;
  const run = (as: string | undefined, args: string[]) => runAws(h, moto, as, args);
  /** Every request the store holds, read after the CLI process has exited. */
  const rows = async () => {
    const store = SqliteRequestStore.open(h.databasePath);
    try {
      return await store.list({});
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    moto = await startMoto();
    aws = motoClients(moto);
    h = await LifecycleHarness.start();
    writeConfigFile(h, 's3_configs.json', S3_CONFIGS);
  });
  beforeEach(async () => {
    await moto.reset();
    // dev has an IAM user; carol is in the directory and may ask, but has none.
    await createIamUser(aws.iam, 'dev');
  });
  afterAll(async () => {
    await h?.close();
    await moto?.stop();
  });

  it('refuses a person with no IAM user at request time, naming the user to create', async () => {
    const before = (await rows()).length;
    const asked = await run(PEOPLE.carol.email, [TOOL, ...WHY]);
    expect(asked.code).toBe(1);
    expect(asked.json.code).toBe('aws.principal_not_found');
    expect(asked.json.message).toContain('carol@example.com');
    expect(asked.json.message).toContain('IAM user carol');
    expect(asked.stdout).not.toMatch(/\n\s+at /);
    expect((await rows()).length).toBe(before);
    expect(h.slack.messages).toEqual([]);
    expect(await jitResources(aws.iam)).toEqual([]);
  });

  it('refuses tool_params on a generated tool, whichever way they are passed', async () => {
    const before = (await rows()).length;
    const asOption = await run(PEOPLE.dev.email, [TOOL, ...WHY, '--tool_params', '{"buckets": ["company-payroll"]}']);
    expect(asOption.code).toBe(1);
    expect(asOption.json.code).toBe('cli.unknown_argument');
    expect(asOption.json.message).toContain('--tool_params');

    const throughRequest = await run(PEOPLE.dev.email, ['request_tool_access', '--tool_name', TOOL, '--tool_params', '{"buckets": ["company-payroll"]}', ...WHY]);
    expect(throughRequest.code).toBe(1);
    expect(throughRequest.json.code).toBe('request.params_invalid');
    expect(throughRequest.json.message).toContain('buckets');
    expect(throughRequest.json.message).toContain('takes no parameters');

    expect((await rows()).length).toBe(before);
    expect(h.slack.messages).toEqual([]);
    expect(await jitResources(aws.iam)).toEqual([]);
  });

  it('a grant that fails halfway ends the request failed, with the reason, and leaves no policy in IAM', async () => {
    const asked = await run(PEOPLE.dev.email, [TOOL, ...WHY]);
    expect(asked.code, asked.stdout).toBe(0);
    const requestId = asked.json.request_id as string;
    // The user goes away between the request and the approval: the policy can be created but not attached.
    await aws.iam.send(new DeleteUserCommand({ UserName: 'dev' }));

    const approved = await run(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', requestId, '--approval_action', 'approve']);
    expect(approved.code).toBe(1);
    expect(approved.json.code).toBe('grant.failed');
    expect(approved.json.message).toContain(requestId);
    expect(approved.json.message).toMatch(/IAM user dev/);

    const described = await run(PEOPLE.dev.email, ['describe_access_request', '--request_id', requestId]);
    expect(described.json.status).toBe('failed');
    expect(described.json.end_reason).toMatch(/IAM user dev/);
    expect((described.json.history as { type: string }[]).map((e) => e.type)).toContain('grant_failed');
    expect(await jitResources(aws.iam)).toEqual([]);
  });
});
