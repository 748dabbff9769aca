/**
 * Runs the real compiled `kubiya-jit` CLI as separate processes, as Kubiya's runner does for each tool run:
 * a fresh `node dist/scripts/cli.js …` with the person in `KUBIYA_USER_EMAIL` and nothing shared but the
 * SQLite file and the stand-ins.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The compiled CLI beside this file in dist/scripts. */
export const CLI_PATH = fileURLToPath(new URL('../cli.js', import.meta.url));

/** What one CLI run did. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `kubiya-jit <args>` to completion with `env`, stdin closed (as a tool without input has it). */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return collect(start(args, env));
}

/** A CLI process left running in the background (the worker). */
export interface BackgroundCli {
  /** Asks it to stop (SIGTERM, which the worker handles by finishing its loop) and waits for its output. */
  stop(): Promise<CliResult>;
}

/** Starts `kubiya-jit <args>` and leaves it running. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): BackgroundCli {
  const child = start(args, env);
  const done = collect(child);
  return {
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return done;
    },
  };
}

function start(args: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env });
  child.stdin.end();
  return child;
}

function collect(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}
