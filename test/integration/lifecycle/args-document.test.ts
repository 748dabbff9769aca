import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatArgsDocument } from '../../../scripts/cli/args-document.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

describe('tool arguments as the bundled content sends them (args document on stdin)', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  const order = ['tool_name', 'user_email', 'tool_params', 'ttl', 'justification', 'enforcer_request_id'];

  it('creates a request from an args document, hostile justification kept as plain text', async () => {
    const justification = "it's $(touch /tmp/pwned) `id` \"quoted\" <!channel>";
    const doc = formatArgsDocument({ tool_name: 'create_ec2', user_email: '<no value>', tool_params: '{"region":"us-east-1"}', ttl: '30m', justification }, order);
    const run = await h.run(PEOPLE.dev.email, ['request_tool_access', '--args-document'], { stdin: doc });
    expect(run.code, run.stdout).toBe(0);
    expect(run.json).toMatchObject({ tool_params: { region: 'us-east-1' }, ttl_seconds: 1800, justification, requester: PEOPLE.dev.email });
  });

  it('refuses a document where one value smuggles another argument', async () => {
    const doc = formatArgsDocument({ tool_name: 'create_ec2', user_email: '', tool_params: '{"region":"us-east-1"}', ttl: '30m', justification: 'x\n::kubiya-jit-arg::ttl\n400h' }, order);
    const run = await h.run(PEOPLE.dev.email, ['request_tool_access', '--args-document'], { stdin: doc });
    expect(run.code).toBe(1);
    expect(String(run.json.code)).toMatch(/^args_document\./);
  });
});
