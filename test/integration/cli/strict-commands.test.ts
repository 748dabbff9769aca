import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_COMMANDS } from '../../../scripts/cli/operator-commands.js';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

/** Every operator command line down to its subcommands, as words. */
const LEAVES = OPERATOR_COMMANDS.flatMap(({ spec }) => (spec.subcommands ? spec.subcommands.map((s) => s.name.split(' ')) : [[spec.name]]));
const REQUIRED: Record<string, string[]> = { approvers: ['--tool_name', 'create_ec2'] };

/** What is in the harness folder, so a test can tell that a refused command wrote nothing. */
const footprint = (h: LifecycleHarness) =>
  readdirSync(h.dir)
    .filter((name) => name !== 'operator.log')
    .map((name) => `${name}:${readFileSync(join(h.dir, name)).length}`)
    .sort();

describe('operator commands refuse what they do not take, and write nothing', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  it.each(LEAVES.map((words) => [words.join(' '), words] as const))('%s refuses an unknown flag, naming it', async (_name, words) => {
    const before = footprint(h);
    const run = await h.run(undefined, [...words, ...(REQUIRED[words[0]!] ?? []), '--ouput', 'x.json']);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ ok: false, code: 'cli.unknown_option' });
    expect(run.json.message).toContain('--ouput');
    expect(run.json.message).toContain('Did you mean --output?');
    expect(footprint(h)).toEqual(before);
  });

  it('refuses a bad --max-runtime at once instead of running forever', async () => {
    for (const value of ['10x', '0', '-5m']) {
      const run = await h.run(undefined, ['worker', '--max-runtime', value]);
      expect(run.code).toBe(1);
      expect(run.json).toMatchObject({ code: 'cli.invalid_value' });
      expect(run.json.message).toContain('--max-runtime');
    }
    expect(existsSync(h.databasePath)).toBe(false);
  });

  it('never overwrites a file that is not its own kind: bundle --out the config, audit export --out the database', async () => {
    const config = readFileSync(h.configPath, 'utf8');
    const bundle = await h.run(undefined, ['bundle', '--out', h.configPath]);
    expect(bundle.code).toBe(1);
    expect(bundle.json).toMatchObject({ code: 'cli.output_exists' });
    expect(readFileSync(h.configPath, 'utf8')).toBe(config);

    expect((await h.request()).code).toBe(0);
    const database = readFileSync(h.databasePath);
    const exported = await h.run(undefined, ['audit', 'export', '--out', h.databasePath]);
    expect(exported.code).toBe(1);
    expect(exported.json).toMatchObject({ code: 'cli.output_exists' });
    expect(exported.json.message).toContain('nothing was written');
    expect(readFileSync(h.databasePath).equals(database)).toBe(true);
    expect((await h.run(undefined, ['audit', 'verify'])).code).toBe(0);
  });

  it('replaces an earlier output of its own kind', async () => {
    const out = join(h.dir, 'audit.jsonl');
    expect((await h.run(undefined, ['audit', 'export', '--out', out])).code).toBe(0);
    const first = readFileSync(out, 'utf8');
    expect((await h.run(undefined, ['audit', 'export', '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(first);
    const bundle = join(h.dir, 'bundle.json');
    expect((await h.run(undefined, ['bundle', '--out', bundle])).code).toBe(0);
    expect((await h.run(undefined, ['bundle', '--out', bundle])).code).toBe(0);
  });

  it('fails, writing nothing, when --out cannot be written', async () => {
    const locked = join(h.dir, 'locked');
    mkdirSync(locked, { mode: 0o500 });
    for (const out of [join(h.dir, 'no-such-folder', 'audit.jsonl'), join(h.configPath, 'audit.jsonl'), h.dir]) {
      const run = await h.run(undefined, ['audit', 'export', '--out', out]);
      expect(run.code, out).toBe(1);
      expect(String(run.json.code)).toMatch(/^cli\.(cannot_write|output_is_folder)$/);
      expect(run.json.message).toContain(out);
    }
    expect(existsSync(join(h.dir, 'no-such-folder'))).toBe(false);
    // As root every folder is writable, so the permission case is only checked where permissions hold.
    if (process.getuid?.() !== 0) {
      const run = await h.run(undefined, ['audit', 'export', '--out', join(locked, 'audit.jsonl')]);
      expect(run.json).toMatchObject({ code: 'cli.cannot_write' });
      expect(readdirSync(locked)).toEqual([]);
    }
  });
});

describe('commands that only read need the database to exist', () => {
  let h: LifecycleHarness;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  const READERS: [string | undefined, string[]][] = [
    [undefined, ['audit', 'verify']],
    [undefined, ['audit', 'export']],
    [undefined, ['reconcile']],
    [undefined, ['analytics']],
    [PEOPLE.alice.email, ['access_analytics']],
    [PEOPLE.alice.email, ['list_active_access_requests']],
    [PEOPLE.dev.email, ['view_user_requests']],
    [PEOPLE.dev.email, ['search_access_requests', '--query', 'INC-42']],
    [PEOPLE.dev.email, ['describe_access_request', '--request_id', 'req_0000000000000001']],
    [PEOPLE.alice.email, ['approve_tool_access_request', '--request_id', 'req_0000000000000001', '--approval_action', 'approve']],
    [PEOPLE.dev.email, ['revoke_access', '--request_id', 'req_0000000000000001', '--reason', 'done']],
    [PEOPLE.dev.email, ['cancel_access_request', '--request_id', 'req_0000000000000001']],
  ];

  it.each(READERS.map(([as, args]) => [args[0] === 'audit' ? args.slice(0, 2).join(' ') : args[0]!, as, args] as const))(
    '%s on a database path that does not exist says so and creates nothing',
    async (_name, as, args) => {
      const run = await h.run(as, args);
      expect(run.code).toBe(1);
      expect(run.json).toMatchObject({ ok: false, code: 'store.not_found' });
      expect(run.json.message).toContain(h.databasePath);
      expect(run.json.message).toContain('JIT_DATABASE');
      expect(existsSync(h.databasePath)).toBe(false);
    },
  );

  it('approvers answers from the config directory without creating a database', async () => {
    const run = await h.run(PEOPLE.dev.email, ['approvers', '--tool_name', 'create_ec2']);
    expect(run.code, run.stdout).toBe(0);
    expect(existsSync(h.databasePath)).toBe(false);
  });

  it('a file that is not a database is named as such', async () => {
    const other = join(h.dir, 'notes.txt');
    writeFileSync(other, 'not a database at all, just some text that is long enough to fill a header page '.repeat(20));
    const run = await h.run(undefined, ['audit', 'verify'], { env: { JIT_DATABASE: other } });
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ code: 'store.unreadable' });
    expect(run.json.message).toContain(other);
  });

  it('a request, a sweep and the worker create it', async () => {
    for (const args of [['sweep'], ['worker', '--max-runtime', '1s']]) {
      const run = await h.run(undefined, args, { env: { JIT_DATABASE: join(h.dir, `${args[0]}.sqlite`) } });
      expect(run.code, run.stdout).toBe(0);
      expect(existsSync(join(h.dir, `${args[0]}.sqlite`))).toBe(true);
    }
    expect((await h.request()).code).toBe(0);
    expect(existsSync(h.databasePath)).toBe(true);
    const verify = await h.run(undefined, ['audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.json).toMatchObject({ ok: true });
    expect(verify.json.events).toBeGreaterThan(0);
  });
});
