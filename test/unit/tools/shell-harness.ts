/**
 * Test support: renders a tool's content the way Kubiya does (Go text/template field actions, values
 * inserted verbatim, a missing key rendered as `<no value>`), and runs it under a real shell with a fake
 * `kubiya-jit` first on PATH that records its argv and stdin.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIELD_ACTION = /\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Substitutes `{{ .name }}` like Go's text/template over a map; refuses any other template action. */
export function renderGoTemplate(template: string, values: Record<string, string | undefined>): string {
  const actions = template.match(/\{\{[^}]*\}\}/g) ?? [];
  const opens = template.split('{{').length - 1;
  if (actions.length !== opens || actions.some((action) => !new RegExp(`^${FIELD_ACTION.source}$`).test(action))) {
    throw new Error('content holds a template action other than {{ .field }}');
  }
  // One pass over the template: a value that itself holds "{{ .x }}" is not expanded again, as in Go.
  return template.replace(FIELD_ACTION, (_match, name: string) => values[name] ?? '<no value>');
}

/** How Kubiya might hand the content to a shell. */
export type ShellMode = 'bash -c' | 'bash file' | 'dash -c' | 'dash file' | 'sh stdin';
export const SHELL_MODES: readonly ShellMode[] = ['bash -c', 'bash file', 'dash -c', 'dash file', 'sh stdin'];

/** What one run produced. */
export interface RunResult {
  status: number | null;
  stderr: string;
  /** The fake CLI's argv, or undefined when it never ran. */
  argv?: string[];
  /** The fake CLI's stdin. */
  stdin?: string;
  /** Files that appeared in the pwn directory: evidence a value ran as code. */
  pwned: string[];
}

/** A sandbox with a fake kubiya-jit and an empty directory hostile values try to write into. */
export class ShellSandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'kubiya-jit-content-'));
  readonly pwnDir = join(this.root, 'pwn');
  private readonly binDir = join(this.root, 'bin');
  private runs = 0;

  constructor() {
    mkdirSync(this.pwnDir);
    mkdirSync(this.binDir);
    const fake = join(this.binDir, 'kubiya-jit');
    writeFileSync(
      fake,
      ['#!/bin/sh', ': > "$FAKE_OUT.argv"', 'for a in "$@"; do printf \'%s\\n\' "$a" >> "$FAKE_OUT.argv"; done', 'cat > "$FAKE_OUT.stdin"', ''].join('\n'),
    );
    chmodSync(fake, 0o755);
  }

  /** Runs rendered content in the given mode (without the fake CLI on PATH if asked) and collects what happened. */
  run(script: string, mode: ShellMode, opts: { withCli?: boolean } = {}): RunResult {
    // Each run starts with an empty pwn directory, so a file found afterwards was written by this run.
    rmSync(this.pwnDir, { recursive: true, force: true });
    mkdirSync(this.pwnDir);
    const out = join(this.root, `run-${++this.runs}`);
    const path = opts.withCli === false ? '/usr/bin:/bin' : `${this.binDir}:/usr/local/bin:/usr/bin:/bin`;
    const env = { PATH: path, FAKE_OUT: out, HOME: this.root, LANG: 'C.UTF-8' };
    const file = `${out}.sh`;
    writeFileSync(file, script);
    const [shell, how] = mode.split(' ') as [string, string];
    const result =
      how === '-c'
        ? spawnSync(shell, ['-c', script], { env, encoding: 'utf8' })
        : how === 'file'
          ? spawnSync(shell, [file], { env, encoding: 'utf8' })
          : spawnSync(shell, [], { env, encoding: 'utf8', input: script });
    if (result.error) throw result.error;
    const ran = existsSync(`${out}.argv`);
    return {
      status: result.status,
      stderr: result.stderr,
      argv: ran ? readFileSync(`${out}.argv`, 'utf8').split('\n').slice(0, -1) : undefined,
      stdin: ran ? readFileSync(`${out}.stdin`, 'utf8') : undefined,
      pwned: readdirSync(this.pwnDir),
    };
  }

  /** Removes the sandbox. */
  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
