import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVERS_CHANNEL, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

// With enforcer.type: none nothing is written when a tool request is approved, so no output may say the
// person "has access until …": every output says what was recorded, and the operator is warned.

describe('enforcer.type none with tools: entries', () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await LifecycleHarness.start((config) => {
      config.enforcer = { type: 'none' };
    });
  });
  afterAll(async () => h.close());

  const text = (m: { text?: string; blocks?: unknown[] }) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

  it('warns the operator at config load, and the requester in the tool output, that the tools are not enforced', async () => {
    const asked = await h.run(PEOPLE.dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region": "eu-west-1"}', '--justification', 'INC-42 box']);
    expect(asked.code, asked.stdout).toBe(0);
    expect((asked.json.will_grant as string[]).join(' ')).toMatch(/Nothing is enforced: enforcer\.type is none/);
    const log = readFileSync(join(h.dir, 'operator.log'), 'utf8');
    expect(log).toMatch(/enforcer\.type is none.*create_ec2.*not enforced/);

    const human = await h.runText(PEOPLE.dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region": "us-east-1"}', '--justification', 'INC-43 box']);
    expect(human.stdout).toMatch(/Warning: enforcer\.type is none, so nothing enforces this/);
  });

  it('says what was recorded on approval, never "has access until", in the output, the DM and the approvers\' message', async () => {
    const id = (await h.request()).json.request_id as string;
    const approved = await h.runText(PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    expect(approved.code, approved.stdout).toBe(0);
    expect(approved.stdout).toMatch(/recorded that dev@example\.com may run create_ec2 until/);
    expect(approved.stdout).toMatch(/Nothing was written anywhere/);
    expect(approved.stdout).not.toMatch(/has create_ec2 until|has access until/);

    const dm = h.directMessages().filter((m) => text(m).includes(id)).map(text).join('\n');
    expect(dm).toMatch(/approved/);
    expect(dm).toMatch(/Nothing was written/);
    expect(dm).not.toMatch(/It lasts until/);
    const message = text(h.messagesIn(APPROVERS_CHANNEL).find((m) => text(m).includes(id))!);
    expect(message).toMatch(/Nothing is enforced/);
    expect(message).not.toMatch(/Access granted until/);
  });
});

describe('an Enforcer configured', () => {
  it('gives no such warning', async () => {
    const h = await LifecycleHarness.start();
    try {
      const asked = await h.runText(PEOPLE.dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region": "eu-west-1"}', '--justification', 'INC-42 box']);
      expect(asked.code, asked.stdout).toBe(0);
      expect(asked.stdout).not.toMatch(/enforcer\.type is none/);
      expect(readFileSync(join(h.dir, 'operator.log'), 'utf8')).not.toMatch(/not enforced/);
    } finally {
      await h.close();
    }
  });
});
