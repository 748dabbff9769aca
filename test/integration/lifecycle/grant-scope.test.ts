import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVERS_CHANNEL, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

// What approvers see is what is granted: the approvers' message, describe and the preview say the grant is
// for exactly the shown parameters, and the Enforcer (the OPA stand-in, mirroring the shipped Rego) allows
// exactly that run: not an extra key, a missing one, another value, another nested value, and for a tool
// without a parameter schema, not a run with any parameter.

describe('the scope an approval grants, through the real CLI and the OPA stand-in', () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await LifecycleHarness.start((config) => {
      const tools = config.tools as Record<string, unknown>[];
      tools.push({ name: 'restart_service', description: 'Restart a service (takes no parameters)' });
      tools.push({
        name: 'tag_resources',
        description: 'Tag resources',
        parameters: { type: 'object', additionalProperties: false, required: ['tags'], properties: { tags: { type: 'object' } } },
      });
    });
  });
  afterAll(async () => h.close());

  async function decide(email: string, tool: string, parameters?: unknown): Promise<boolean> {
    const input = { user: { email }, tool: parameters === undefined ? { name: tool } : { name: tool, parameters } };
    const res = await fetch(`${h.opa.url}/v1/data/kubiya/tool_manager/allow`, { method: 'POST', body: JSON.stringify({ input }) });
    return ((await res.json()) as { result: boolean }).result;
  }

  async function granted(tool: string, params: string): Promise<{ id: string; message: string; describe: string }> {
    const asked = await h.request({ tool_name: tool, tool_params: params });
    expect(asked.code, asked.stdout).toBe(0);
    const id = asked.json.request_id as string;
    const message = h.messagesIn(APPROVERS_CHANNEL).map((m) => JSON.stringify(m.blocks ?? [])).find((b) => b.includes(id))!;
    expect((await h.approve(id, PEOPLE.alice.email)).json.status).toBe('access_granted');
    const describe = (await h.runText(PEOPLE.dev.email, ['describe_access_request', '--request_id', id])).stdout;
    return { id, message, describe };
  }

  it('pins every parameter: an extra, missing or different one is another run, and the message says so', async () => {
    const { id, message, describe } = await granted('create_ec2', '{"region": "eu-west-1"}');
    for (const shown of [message, describe]) {
      expect(shown).toMatch(/with exactly these parameters/);
      expect(shown).toMatch(/any other parameter, or another value, is not allowed/);
    }
    expect(h.grants()[id]).toMatchObject({ parameters: { region: 'eu-west-1' } });
    expect(await decide(PEOPLE.dev.email, 'create_ec2', { region: 'eu-west-1' })).toBe(true);
    expect(await decide(PEOPLE.dev.email, 'create_ec2', { region: 'eu-west-1', instance_type: 'p4d.24xlarge' })).toBe(false);
    expect(await decide(PEOPLE.dev.email, 'create_ec2', {})).toBe(false);
    expect(await decide(PEOPLE.dev.email, 'create_ec2', { region: 'us-east-1' })).toBe(false);
    // The runner's address in another case is still the same person's.
    expect(await decide('Dev@Example.COM', 'create_ec2', { region: 'eu-west-1' })).toBe(true);
  });

  it('compares nested values as a whole', async () => {
    await granted('tag_resources', '{"tags": {"team": "platform", "ports": [22, 443]}}');
    expect(await decide(PEOPLE.dev.email, 'tag_resources', { tags: { team: 'platform', ports: [22, 443] } })).toBe(true);
    expect(await decide(PEOPLE.dev.email, 'tag_resources', { tags: { team: 'platform', ports: [22, 443, 3389] } })).toBe(false);
    expect(await decide(PEOPLE.dev.email, 'tag_resources', { tags: { team: 'platform', ports: [22, 443], owner: 'me' } })).toBe(false);
  });

  it('grants a tool without a parameter schema for runs without parameters only, and says so', async () => {
    const { id, message, describe } = await granted('restart_service', '{}');
    for (const shown of [message, describe]) expect(shown).toMatch(/with no parameters \(a run with any parameter is not allowed\)/);
    expect(h.grants()[id]).toMatchObject({ parameters: {} });
    expect(await decide(PEOPLE.dev.email, 'restart_service')).toBe(true);
    expect(await decide(PEOPLE.dev.email, 'restart_service', {})).toBe(true);
    expect(await decide(PEOPLE.dev.email, 'restart_service', { service: 'payments', force: true })).toBe(false);
  });
});
