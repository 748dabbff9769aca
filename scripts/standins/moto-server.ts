/**
 * Starts moto, the independent AWS emulator (`moto_server`, a Python package), on a free loopback port for
 * the demo and the tests. It is a real third-party server, not ours; this module only launches and stops it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:PORT`, for the SDK clients' `endpoint`. */
  endpoint: string;
  /** Clears every resource (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** Stops the server. */
  stop(): Promise<void>;
}

/** Whether `moto_server` can be run on this machine. */
export function motoAvailable(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

/** Starts `moto_server` and waits (up to 30 s) until `GET /moto-api/` answers. */
export async function startMotoServer(env: NodeJS.ProcessEnv = process.env): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', env });
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
    if (exited) throw new Error('moto_server exited before it was ready');
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
