import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoCheckError } from '../../../scripts/demo/demo-check.js';
import { DEMO_PEOPLE, missingGroups } from '../../../scripts/demo/demo-people.js';
import { DemoWorld } from '../../../scripts/demo/demo-world.js';
import { slackButtons, slackText } from '../../../scripts/demo/slack-text.js';
import { watchExpiry } from '../../../scripts/demo/watch-expiry.js';

// The demo's own checks are what make `npm run demo` exit non-zero when the story breaks: each is tried here
// against the real stand-ins with a state that breaks it.
describe('the demo checks its story', () => {
  let world: DemoWorld;
  const dana = DEMO_PEOPLE.dana;

  beforeAll(async () => {
    world = await DemoWorld.start();
  });
  afterAll(async () => world.close());

  async function putGrant(id: string, expiresAt: number): Promise<void> {
    const grant = { user_email: dana.email, tool_name: 'create_ec2', parameters: { region: 'eu-west-1' }, expires_at_ns: expiresAt * 1_000_000 };
    const response = await fetch(`${world.opa.url}/v1/data/kubiya/jit/grants/${id}`, { method: 'PUT', body: JSON.stringify(grant) });
    expect(response.status).toBe(204);
  }

  it('fails the expiry step when the grant is still in the Enforcer after the grace time', async () => {
    await putGrant('req_lingers', Date.now() - 20_000);
    const failure = await watchExpiry(world, dana.email, 'req_lingers', Date.now() - 20_000).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DemoCheckError);
    expect((failure as DemoCheckError).message).toMatch(/still in the Enforcer .* the worker did not end the access/);
  });

  it('fails the expiry step when the access ended before the approved expiry', async () => {
    const failure = await watchExpiry(world, dana.email, 'req_never_granted', Date.now() + 60_000).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DemoCheckError);
    expect((failure as DemoCheckError).message).toMatch(/before the approved expiry/);
  });

  it('passes when the grant is gone and the decision is denied after the expiry', async () => {
    const expiresAt = Date.now() - 1;
    const seen = await watchExpiry(world, dana.email, 'req_ended', expiresAt);
    expect(seen.deniedAt).toBeGreaterThanOrEqual(expiresAt);
    expect(seen.removedAt).toBeGreaterThanOrEqual(expiresAt);
  });

  it('names the groups a config needs that the Okta seed lacks', () => {
    expect(missingGroups(['engineering', 'cloud-compute-owners'])).toEqual([]);
    expect(missingGroups(['engineering', 'security-owners'])).toEqual(['security-owners']);
  });
});

describe('slackText', () => {
  it('renders fields, code blocks, emoji and what each button asks the teammate', () => {
    const value = JSON.stringify({ agent_uuid: '6f1c2d3e-0000', message: 'Approve access request req_1: run approve_tool_access_request' });
    const message = {
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Access request: create_ec2' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Tool*\n`create_ec2`' }] },
        { type: 'section', text: { type: 'mrkdwn', text: '*Parameters*\n```\n{"region": "eu-west-1"}\n```' } },
        { type: 'section', block_id: 'jit_status', text: { type: 'mrkdwn', text: ':hourglass_flowing_sand: *Waiting* &lt;here&gt;' } },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Approve' }, action_id: 'agent.process_message_1', value }] },
      ],
    };
    expect(slackText(message).split('\n')).toEqual([
      '■ Access request: create_ec2',
      'Tool: create_ec2',
      'Parameters',
      '    {"region": "eu-west-1"}',
      '⏳ Waiting <here>',
      '[ Approve ]',
      `  Approve (agent.process_message_1) → Kubiya's Slack app sends agent 6f1c2d3e…, as the clicker: "Approve access request req_1: run approve_tool_access_request"`,
    ]);
    expect(slackButtons(message)).toEqual([{ label: 'Approve', actionId: 'agent.process_message_1', agentUuid: '6f1c2d3e-0000', asks: 'Approve access request req_1: run approve_tool_access_request' }]);
    expect(slackButtons({ blocks: message.blocks.slice(0, 4) })).toEqual([]);
  });
});
