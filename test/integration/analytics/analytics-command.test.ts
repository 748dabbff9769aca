import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { CLI, LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

describe('kubiya-jit analytics, on a deployment used through the real CLI', () => {
  let h: LifecycleHarness;

  /** Runs the CLI for its human output (the harness asks for JSON). */
  function human(args: string[]): Promise<{ code: number; stdout: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: h.env(PEOPLE.alice.email) });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
    });
  }

  async function eventCount(): Promise<number> {
    const store = SqliteRequestStore.open(h.databasePath);
    try {
      return (await store.auditEvents()).length;
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    h = await LifecycleHarness.start();
    const first = await h.request();
    expect((await h.approve(first.json.request_id as string, PEOPLE.alice.email)).code).toBe(0);
    const second = await h.request({ tool_params: '{"region": "us-east-1"}' });
    // dev approving their own request: refused, and audited.
    expect((await h.approve(second.json.request_id as string, PEOPLE.dev.email)).json.code).toBe('approval.self_approval');
    // bob is not in the requester group: refused before any row exists.
    expect((await h.request({}, PEOPLE.bob.email)).json.code).toBe('request.requester_not_allowed');
    const third = await h.request({}, PEOPLE.carol.email);
    expect((await h.approve(third.json.request_id as string, PEOPLE.bob.email, 'reject')).code).toBe(0);
    // Eight CLI processes in a row: on a busy two-core machine that outlasts the default hook timeout.
  }, 240_000);
  afterAll(() => h.close());

  it('reports usage and security as snake_case JSON, reading without writing', async () => {
    const before = await eventCount();
    const run = await h.run(PEOPLE.alice.email, ['analytics']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json).toMatchObject({
      ok: true,
      usage: { requests: 3, approvals: 1, rejections: 1, grants: 1, active_grants_now: 1, pending_now: 1 },
      security: { self_approval_attempts: 1, refused_requests: { total: 1, by_reason: [{ name: 'requester_not_allowed', count: 1 }] }, audit_chain: { checked: true, ok: true } },
      time_zone: 'UTC',
    });
    expect((run.json.window as { days: number }).days).toBe(30);
    expect((run.json.findings as { code: string }[]).map((f) => f.code)).toEqual(expect.arrayContaining(['self_approval_attempts', 'refused_requests']));
    expect(await eventCount()).toBe(before);
  });

  it('prints a summary a teammate can relay, narrowed by a filter', async () => {
    const all = await human(['analytics', '--since', '1d']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^Access analytics from .* UTC \(1 day; hours and days in UTC\)$/m);
    expect(all.stdout).toContain('  Self-approval attempts: 1');
    expect(all.stdout).toContain('  Refused requests: 1 (requester not allowed 1)');
    const other = await human(['analytics', '--tool', 'some_other_tool']);
    expect(other.stdout).toContain(', only tool "some_other_tool"');
    expect(other.stdout).toContain('  Requests: 0 created in the window');
  });

  it('posts the digest with its chart to the approvers channel', async () => {
    const run = await h.run(PEOPLE.alice.email, ['analytics', '--since', '7d', '--post-slack']);
    expect(run.code, run.stdout).toBe(0);
    const [file] = h.slack.files;
    expect(run.json.slack).toEqual({ channel: 'C0APPROVERS', ts: expect.any(String), file_id: file!.id });
    expect(file).toMatchObject({ completed: true, channel: 'C0APPROVERS' });
    expect(file!.bytes!.subarray(1, 4).toString()).toBe('PNG');
    const digest = h.messagesIn().find((m) => m.ts === (run.json.slack as { ts: string }).ts)!;
    expect(JSON.stringify(digest.blocks)).toContain('Access analytics: the last 7 days');
  });

  it.each([
    [['analytics', '--since', 'yesterday'], 'analytics.invalid_time'],
    [['analytics', '--since', '2026-11-10', '--until', '2026-11-01'], 'analytics.empty_window'],
    [['analytics', '--verbose', 'yes'], 'cli.unknown_option'],
    [['analytics', '--sinse', '7d'], 'cli.unknown_option'],
    [['analytics', 'now'], 'cli.unexpected_word'],
    [['analytics', '--html', '--post-slack'], 'cli.invalid_value'],
    [['analytics', '--post-slack', '--html', '/proc/no-such-dir/report.html'], 'analytics.html_not_written'],
  ])('refuses %j with a clear error, posting nothing', async (args, code) => {
    const posts = h.slack.messages.length;
    const run = await h.run(PEOPLE.alice.email, args);
    expect(run.code, run.stdout).toBe(1);
    expect(run.json.code).toBe(code);
    expect(run.stdout).not.toMatch(/\bat .*\.js:\d+/);
    expect(h.slack.messages).toHaveLength(posts);
  });

  it('answers the access_analytics tool for approvers only', async () => {
    const approver = await h.run(PEOPLE.alice.email, ['access_analytics', '--since', '7d', '--tool_name', 'create_ec2']);
    expect(approver.code, approver.stdout).toBe(0);
    expect(approver.json).toMatchObject({ filter: { tool: 'create_ec2' }, usage: { requests: 3 }, security: { self_approval_attempts: 1 } });
    // carol may request but approves nothing; mallory is nobody here.
    for (const outsider of [PEOPLE.carol.email, PEOPLE.mallory.email]) {
      const refused = await h.run(outsider, ['access_analytics']);
      expect(refused.json).toMatchObject({ ok: false, code: 'analytics.not_an_approver' });
      expect(JSON.stringify(refused.json)).not.toContain('dev@example.com');
    }
  });

  it('refuses --post-slack without Slack settings before computing anything', async () => {
    const run = await h.run(PEOPLE.alice.email, ['analytics', '--post-slack'], { env: { SLACK_API_TOKEN: '' } });
    expect(run.json).toMatchObject({ ok: false, code: 'config.invalid' });
    expect(run.json.message).toMatch(/SLACK_API_TOKEN is not set/);
  });
});
