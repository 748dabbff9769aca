import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/** The compiled demo, as `npm run demo` runs it (the suite runs after `npm run build`). */
const DEMO = resolve(import.meta.dirname, '..', '..', '..', 'dist', 'scripts', 'demo', 'run-demo.js');

function runDemo(): Promise<{ code: number; out: string }> {
  return new Promise((resolvePromise, reject) => {
    // A JIT_CONFIG in the caller's shell must not matter: the demo uses the embedded default.
    const child = spawn(process.execPath, [DEMO], { env: { ...process.env, NO_COLOR: '1', JIT_CONFIG: '/nonexistent/jit.yaml' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, out }));
  });
}

describe('npm run demo', () => {
  let run: { code: number; out: string };

  beforeAll(async () => {
    run = await runDemo();
  }, 180_000);

  it('finishes with exit 0 and says every step behaved', () => {
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/Demo finished in [\d.]+ s: every step behaved as the story says\./);
    expect(run.out).not.toContain('DEMO FAILED');
  });

  it('labels the stand-ins as local stand-ins and uses the embedded config unchanged', () => {
    for (const vendor of ['Slack', 'Okta', 'OPA']) expect(run.out).toContain(`LOCAL STAND-IN for ${vendor} (not ${vendor})`);
    expect(run.out).toContain('Config: configs/jit.yaml, the embedded default, unchanged (directory okta, enforcer opa');
  });

  it('runs the real CLI as each person, and routes approval to the compute owners by knowledge', () => {
    expect(run.out).toContain(`$ KUBIYA_USER_EMAIL=dana@example.com kubiya-jit request_tool_access --tool_name create_ec2 --tool_params '{"region":"eu-west-1"}' --ttl 8s`);
    expect(run.out).toMatch(/Approvers \(cloud-compute-owners\): alice@example\.com, bob@example\.com — create_ec2 is listed in knowledge document compute\.md/);
    expect(run.out).toMatch(/\[ Approve \] {2}\[ Reject \]/);
    expect(run.out).toMatch(/Approve \(agent\.process_message_1\) → .*"Approve access request req_[0-9a-f]{16}: run the approve_tool_access_request tool/);
  });

  it('shows the self-approval and the suspended approver refused', () => {
    expect(run.out).toMatch(/Error \(approval\.self_approval\): You cannot approve your own request/);
    expect(run.out).toContain('✔ refused: self-approval');
    expect(run.out).toMatch(/Error \(approval\.not_eligible\): sam@example\.com is not an active member/);
  });

  it('shows the tool run denied, then allowed after approval, then denied after the TTL', () => {
    const decision = 'may dana@example.com run create_ec2 {"region":"eu-west-1"}?  →  ';
    const before = run.out.indexOf(`${decision}DENIED`);
    const allowed = run.out.indexOf(`${decision}ALLOWED`);
    const expired = run.out.search(/OPA stand-in: may dana run create_ec2\? → DENIED/);
    expect(before).toBeGreaterThan(-1);
    expect(allowed).toBeGreaterThan(before);
    expect(expired).toBeGreaterThan(allowed);
    expect(run.out).toMatch(/the worker deleted the grant from OPA, [\d.]+ s after the expiry/);
    expect(run.out).toContain('✔ allowed, then denied: the grant is gone and the request is access_expired');
    expect(run.out).toMatch(/Your access to create_ec2 has expired/);
  });

  it('ends with an intact audit log and the AWS part (run on moto, or said to be skipped)', () => {
    expect(run.out).toMatch(/Audit log intact: \d+ events, head hash [0-9a-f]{64}/);
    expect(run.out).toMatch(/after the revocation, alice's policies: \[\]|AWS demo skipped: moto_server is not on PATH/);
  });
});

describe('npm run demo when a step cannot happen', () => {
  it('exits non-zero and says what failed', async () => {
    const child = spawn(process.execPath, [DEMO], { env: { ...process.env, NO_COLOR: '1', TMPDIR: '/nonexistent/tmp' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number>((resolvePromise) => child.on('close', (c) => resolvePromise(c ?? -1)));
    expect(code).toBe(1);
    expect(out).toMatch(/DEMO FAILED: .*\/nonexistent\/tmp\/kubiya-jit-demo-/);
    expect(out).not.toMatch(/^\s+at /m);
  });
});
