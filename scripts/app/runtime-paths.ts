import { join, resolve } from 'node:path';

/** Where the Kubiya named volume is mounted in the tool's container (see the bundle's `with_volumes`). */
export const DEFAULT_VOLUME_PATH = '/var/lib/kubiya-jit';

/** The SQLite database path: `JIT_DATABASE`, else `jit.sqlite` on the volume (`KUBIYA_JIT_VOLUME` to move it). */
export function databasePath(env: NodeJS.ProcessEnv): string {
  if (env.JIT_DATABASE?.trim()) return resolve(env.JIT_DATABASE.trim());
  return join(env.KUBIYA_JIT_VOLUME?.trim() || DEFAULT_VOLUME_PATH, 'jit.sqlite');
}

/** The operator log file: `JIT_LOG_FILE`, else `kubiya-jit.log` beside the database. */
export function logPath(env: NodeJS.ProcessEnv): string {
  if (env.JIT_LOG_FILE?.trim()) return resolve(env.JIT_LOG_FILE.trim());
  return databasePath(env).replace(/[^/\\]+$/, 'kubiya-jit.log');
}
