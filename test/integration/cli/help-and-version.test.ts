import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPERATOR_COMMANDS } from '../../../scripts/cli/operator-commands.js';
import { STATIC_TOOLS } from '../../../tools/definitions/index.js';
import { CLI } from '../../support/lifecycle-harness.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const dir = mkdtempSync(join(tmpdir(), 'jit-help-'));
const DATABASE = join(dir, 'jit.sqlite');

/** Runs the compiled CLI on the shipped config; help never needs Slack, Okta or a database. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; json: Record<string, unknown> }> {
  const env = { PATH: process.env.PATH, JIT_DATABASE: DATABASE, JIT_LOG_FILE: join(dir, 'operator.log') };
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((done) =>
    execFile(process.execPath, [CLI, ...args], { env, encoding: 'utf8' }, (err, out) => done({ code: err ? Number(err.code ?? -1) : 0, stdout: out })),
  );
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    // Human output.
  }
  return { code, stdout, json };
}

afterAll(() => {
  // Help, at any level, never opens or creates the database.
  expect(existsSync(DATABASE)).toBe(false);
  rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('--version', () => {
  it.each([['--version'], ['audit', 'verify', '--version'], ['request_tool_access', '--version']])('%s … prints package.json\'s version', async (...args) => {
    const run = await cli(...args);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(`kubiya-jit ${VERSION}`);
  });

  it('as JSON', async () => {
    expect((await cli('--version', '--output', 'json')).json).toEqual({ ok: true, version: VERSION });
  });
});

describe.concurrent('--help and -h at every level', () => {
  it.each([[[]], [['--help']], [['-h']], [['help']], [['--output', 'json', '--help']]] as string[][][])('kubiya-jit %j lists every tool and command', async (args) => {
    const run = await cli(...args);
    expect(run.code).toBe(0);
    if (args.includes('json')) {
      expect(run.json.commands).toEqual(OPERATOR_COMMANDS.map((c) => c.spec.name));
      return;
    }
    for (const tool of STATIC_TOOLS) expect(run.stdout).toContain(tool.name);
    for (const { spec } of OPERATOR_COMMANDS) expect(run.stdout).toContain(`  ${spec.name}`);
  });

  const leaves = OPERATOR_COMMANDS.flatMap(({ spec }) => [spec, ...(spec.subcommands ?? [])]);
  it.each(leaves.map((spec, i) => [spec.name, spec, i % 2 ? '-h' : '--help'] as const))('kubiya-jit %s %s describes its options', async (name, spec, flag) => {
    const run = await cli(...name.split(' '), flag);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: kubiya-jit ${name}`);
    for (const option of spec.options) expect(run.stdout).toContain(`--${option.name}`);
    for (const sub of spec.subcommands ?? []) expect(run.stdout).toContain(sub.name);
  });

  it('kubiya-jit help <command> is the same help', async () => {
    expect((await cli('help', 'worker')).stdout).toBe((await cli('worker', '--help')).stdout);
    expect((await cli('help', 'revoke_access')).stdout).toBe((await cli('revoke_access', '-h')).stdout);
  });

  it.each(STATIC_TOOLS.map((tool) => [tool.name, tool] as const))('kubiya-jit %s --help lists its args, the required ones marked required', async (name, tool) => {
    const run = await cli(name, '--help');
    expect(run.code).toBe(0);
    for (const arg of tool.args) {
      const line = run.stdout.split('\n').find((l) => l.trimStart().startsWith(`--${arg.name} `));
      expect(line, arg.name).toBeDefined();
      expect(line).toContain(arg.required ? '(required)' : '(optional)');
    }
  });

  it('gives a tool\'s args as JSON, required ones marked', async () => {
    const tool = STATIC_TOOLS.find((t) => t.name === 'revoke_access')!;
    const json = (await cli('revoke_access', '-h', '--output', 'json')).json;
    expect(json.args).toEqual(tool.args.map((a) => expect.objectContaining({ name: a.name, required: a.required === true })));
  });

  it('describes a tool generated from the config, with its required args', async () => {
    const run = await cli('s3_grant_data_lake_read', '--help');
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/--justification +\(required\)/);
    expect(run.stdout).toMatch(/--ttl +\(optional\)/);
  });

  it.each([['grant_me_admin', '--help'], ['grant_me_admin', '-h'], ['help', 'grant_me_admin'], ['audit', 'verfy', '--help']])(
    'kubiya-jit %s %s is an error, not help',
    async (...args) => {
      const run = await cli(...args, '--output', 'json');
      expect(run.code).toBe(1);
      expect(run.json).toMatchObject({ ok: false });
      expect(String(run.json.code)).toMatch(/^cli\.unknown_(command|subcommand)$/);
    },
  );
});
