import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

describe('operator commands', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start((config) => {
      (config.tools as Record<string, unknown>[]).push({ name: 'kubectl_exec_prod', description: 'Shell in a prod pod', approver_groups: ['k8s-prod-owners'] });
      (config.directory as { groups: Record<string, string[]> }).groups['k8s-prod-owners'] = ['alice@example.com'];
    });
  });
  afterAll(async () => h.close());

  it('renders the Enforcer category policy from the config', async () => {
    const run = await h.run(undefined, ['enforcer', 'policy']);
    expect(run.code, run.stdout).toBe(0);
    const rego = run.json.rego as string;
    expect(rego).toMatch(/^package kubiya\.tool_manager$/m);
    expect(rego).toContain('jit_restricted_tools := {"create_ec2", "kubectl_exec_prod"}');
    expect(rego).toContain('jit_approver_groups := {"k8s-prod-owners", "platform-approvers"}');
    expect(rego).toContain('jit_admin_tools := {"approve_tool_access_request"}');
  });

  it('exports the audit log as JSON Lines, one event a line, in order', async () => {
    await h.request();
    const out = join(h.dir, 'audit.jsonl');
    const run = await h.run(undefined, ['audit', 'export', '--out', out]);
    expect(run.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string; hash: string; prev_hash: string });
    expect(lines.length).toBe(run.json.events);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines[0]!.type).toBe('request_created');
    expect(lines[1]!.prev_hash).toBe(lines[0]!.hash);
  });

  it('writes a bundle and then finds it current, and stale after an edit', async () => {
    const out = join(h.dir, 'kubiya_bundle.json');
    expect((await h.run(undefined, ['bundle', '--out', out])).code).toBe(0);
    const tools = (JSON.parse(readFileSync(out, 'utf8')) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(['request_tool_access', 'approve_tool_access_request', 'sweep_expired_access']));
    expect((await h.run(undefined, ['bundle', '--check', '--out', out])).code).toBe(0);
    const config = JSON.parse(readFileSync(h.configPath, 'utf8')) as { tools: { description: string }[] };
    config.tools[0]!.description = 'Create an EC2 instance (changed)';
    h.writeConfig(config as unknown as Record<string, unknown>);
    const stale = await h.run(undefined, ['bundle', '--check', '--out', out]);
    expect(stale.code).toBe(1);
    expect(String(stale.json.diff)).toMatch(/stale/);
  });

  it('answers an unknown command with help, not a stack trace', async () => {
    const run = await h.run(PEOPLE.dev.email, ['grant_me_admin']);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ ok: false, code: 'cli.unknown_command' });
  });
});
