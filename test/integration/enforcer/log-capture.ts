/** A Logger that keeps what it is told, for assertions. */
import type { Logger } from '../../../scripts/core/ports.js';

/** One line the code under test logged. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

/** Returns a Logger and the array it appends to. */
export function captureLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return { log: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}
