import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** The shell commands of README.md's "Running a tool locally", one per command, continuation lines joined. */
function readmeCommands(): string[] {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Running a tool locally'));
  const block = /```sh\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 3)))?.[1];
  if (!block) throw new Error('README.md: "Running a tool locally" has no sh block');
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

/** What each README command must print, by the tool or command it runs. */
const EXPECTED: Record<string, RegExp> = {
  request_tool_access: /^Access request (req_[0-9a-f]{16}) is waiting for approval\./m,
  approve_tool_access_request: /^Approved request req_[0-9a-f]{16}: dev@example\.com has create_ec2 until/m,
  describe_access_request: /^Request req_[0-9a-f]{16} — access_granted/m,
  revoke_access: /^Access for request req_[0-9a-f]{16} \(create_ec2, dev@example\.com\) has been revoked\./m,
  'audit verify': /^Audit log intact: \d+ events, head hash [0-9a-f]{64}\./m,
};

describe('README.md "Running a tool locally" works as written, against npm run standins', () => {
  const commands = readmeCommands();
  let standins: ChildProcessWithoutNullStreams;
  let echo = '';
  let exports = '';
  let requestId: string | undefined;

  beforeAll(async () => {
    const line = commands.find((c) => c.startsWith('npm run standins'));
    expect(line, 'the README starts the stand-ins').toBeDefined();
    // What `npm run standins` runs after its build (the suite has built already), on free ports: this machine
    // is shared, so the fixed defaults may be taken.
    const script = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.standins!;
    const [program, ...args] = script.replace(/^npm run build && /, '').split(' ');
    standins = spawn(program!, [...args, '--slack-port', '0', '--opa-port', '0'], { cwd: ROOT, env: { PATH: process.env.PATH } });
    standins.stdout.on('data', (chunk: Buffer) => (echo += chunk.toString()));
    const started = Date.now();
    while (!/^What the approvers' channel/m.test(echo)) {
      if (standins.exitCode !== null || Date.now() - started > 30_000) throw new Error(`npm run standins did not start:\n${echo}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    exports = echo.split('\n').filter((l) => l.startsWith('export ')).join('\n');
  });
  afterAll(() => {
    if (standins.exitCode === null) standins.kill('SIGKILL');
  });

  it('prints the export lines the README tells you to paste', () => {
    for (const name of ['JIT_CONFIG', 'JIT_DATABASE', 'SLACK_API_TOKEN', 'SLACK_API_URL', 'APPROVERS_CHANNEL', 'ENFORCER_URL']) {
      expect(exports).toMatch(new RegExp(`^export ${name}=\\S+`, 'm'));
    }
    expect(exports).toContain('configs/examples/local.yaml');
  });

  it('runs every command of the README, in order, with the outcome it describes', () => {
    const ran: string[] = [];
    for (const command of commands) {
      if (command.startsWith('npm run ')) continue;
      const name = /cli\.js (\w+(?: verify)?)/.exec(command)?.[1] ?? command;
      const expected = EXPECTED[name];
      expect(expected, `README runs ${name}; add what it should print to this test`).toBeDefined();
      const line = requestId ? command.replaceAll('req_…', requestId) : command;
      expect(line).not.toContain('req_…');
      // As a reader would: the pasted exports, then the line, in bash, from the checkout.
      const run = spawnSync('bash', ['-c', `set -e\n${exports}\n${line}`], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, encoding: 'utf8' });
      expect(run.status, `${line}\n${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(expected!);
      requestId ??= expected!.exec(run.stdout)?.[1];
      ran.push(name);
    }
    expect(ran).toEqual(['request_tool_access', 'approve_tool_access_request', 'describe_access_request', 'revoke_access', 'audit verify']);
  });

  it('showed the approvers\' message, the DM and the Enforcer writes, and stops on Ctrl-C, removing its database', async () => {
    const id = requestId;
    expect(id).toBeDefined();
    // The commands ran synchronously, so the stand-ins' output is read now; their echo is every 200 ms.
    await new Promise((r) => setTimeout(r, 500));
    expect(echo).toMatch(new RegExp(`\\[slack approvers' channel\\] Access request ${id}`));
    expect(echo).toMatch(/\[slack DM D0DEV\] .*approved by carol@example\.com/);
    expect(echo).toContain(`[opa] PUT /v1/data/kubiya/jit/grants/${id} → 204`);
    expect(echo).toContain(`[opa] DELETE /v1/data/kubiya/jit/grants/${id} → 204`);
    const database = /^export JIT_DATABASE=(\S+)$/m.exec(exports)![1]!;
    expect(existsSync(database)).toBe(true);
    const exited = new Promise<number | null>((done) => standins.once('exit', (code) => done(code)));
    standins.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(echo).toContain('Stand-ins stopped.');
    expect(existsSync(dirname(database))).toBe(false);
  });
});

describe('npm run standins refuses what it cannot do, saying how to fix it', () => {
  const script = resolve(ROOT, 'dist', 'scripts', 'standins', 'serve-standins.js');

  it('a port in use names the option that picks another; a bad port or option is refused', async () => {
    const { createServer } = await import('node:net');
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const port = String((busy.address() as { port: number }).port);
    try {
      const taken = spawnSync(process.execPath, [script, '--slack-port', '0', '--opa-port', port], { encoding: 'utf8', timeout: 30_000 });
      expect(taken.status).toBe(1);
      expect(taken.stderr).toContain(`Port ${port} is in use`);
      expect(taken.stderr).toContain('--opa-port');
    } finally {
      busy.close();
    }
    const bad = spawnSync(process.execPath, [script, '--opa-port', '99999'], { encoding: 'utf8', timeout: 30_000 });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--opa-port must be a port number');
    const unknown = spawnSync(process.execPath, [script, '--slack_port', '0'], { encoding: 'utf8', timeout: 30_000 });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('Did you mean --slack-port?');
  });
});
