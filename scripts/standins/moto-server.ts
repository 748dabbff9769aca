/**
 * Starts moto, the independent AWS emulator (`moto_server`, a Python package), on a free loopback port for
 * the demo and the tests. It is a real third-party server, not ours; this module only launches and stops it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:PORT`, for the SDK clients' `endpoint`. */
  endpoint: string;
  /** Clears every resource (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** Stops the server. */
  stop(): Promise<void>;
}

/** What to tell someone whose machine has no moto. */
export const MOTO_MISSING =
  'moto is not installed: the AWS tests (and the demo\'s AWS part) run against moto, a local AWS emulator. ' +
  'Install it with: pip install "moto[server]" (this gives the moto_server command; python3 -m moto.server works too), then run again.';

/**
 * The command that starts moto here: `moto_server` when it is on the PATH, else `python3 -m moto.server`
 * when moto is installed for python3; undefined when neither is. Looking on the PATH costs nothing; only the
 * fallback starts Python.
 */
export function motoCommand(env: NodeJS.ProcessEnv = process.env): [string, ...string[]] | undefined {
  if (onPath('moto_server', env)) return ['moto_server'];
  if (onPath('python3', env) && spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore', env }).status === 0) return ['python3', '-m', 'moto.server'];
  return undefined;
}

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || '.', name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Whether moto can be run on this machine. */
export function motoAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return motoCommand(env) !== undefined;
}

/**
 * Starts moto and waits (up to 30 s) until `GET /moto-api/` answers. Without moto it fails at once with
 * {@link MOTO_MISSING}, which says what to install, rather than a bare `spawn moto_server ENOENT`.
 */
export async function startMotoServer(env: NodeJS.ProcessEnv = process.env): Promise<MotoServer> {
  const command = motoCommand(env);
  if (!command) throw new Error(MOTO_MISSING);
  const port = await freePort();
  const [program, ...args] = command;
  const child: ChildProcess = spawn(program, [...args, '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', env });
  let failure: Error | undefined;
  // Removed between the check and the start: still the message that says what to install.
  child.once('error', (err) => (failure = new Error(`${MOTO_MISSING} (${err.message})`)));
  const endpoint = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  };
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (failure) throw failure;
    if (exited) throw new Error(`moto (${command.join(' ')}) exited before it was ready on port ${port}. Is moto installed for it? pip install "moto[server]"`);
    const ready = await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false);
    if (ready) {
      return {
        endpoint,
        stop,
        async reset() {
          await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error('moto_server did not become ready in 30 s');
}

/** A free loopback port, never 5060/5061 (Node's fetch refuses them). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port !== 0 && port !== 5060 && port !== 5061) return port;
  }
}
