import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../core/ports.js';

/**
 * The operator's log: JSON lines appended to a file (next to the database by default), or written to stderr or
 * stdout (a service whose output a log collector reads). Never shown to the person talking to the teammate,
 * which is why errors may carry detail here.
 */
export function createLogger(target: { file?: string; stderr?: boolean; stdout?: boolean }): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const line = `${JSON.stringify({ at: new Date().toISOString(), level, message, ...fields })}\n`;
    if (target.stderr) process.stderr.write(line);
    if (target.stdout) process.stdout.write(line);
    if (target.file) {
      try {
        mkdirSync(dirname(target.file), { recursive: true });
        appendFileSync(target.file, line);
      } catch {
        // A log that cannot be written must not fail the person's request.
      }
    }
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
