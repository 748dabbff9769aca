import { isJitError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import type { CommandResult } from '../handlers/handler.js';

/** How results are printed: text for a person (the default) or one JSON document. */
export type OutputFormat = 'human' | 'json';

/** Prints a command's result and returns the process exit code. */
export function printResult(result: CommandResult, format: OutputFormat): number {
  if (result.quiet) return result.exitCode ?? 0;
  process.stdout.write(format === 'json' ? `${JSON.stringify({ ok: (result.exitCode ?? 0) === 0, ...result.json }, null, 2)}\n` : `${result.human}\n`);
  return result.exitCode ?? 0;
}

/**
 * The boundary for failures: an error the package raised on purpose prints its code and message; anything
 * else prints a generic message and goes, with its stack, only to the operator log. No stack trace or secret
 * ever reaches the person.
 */
export function printError(err: unknown, format: OutputFormat, log: Logger | undefined): number {
  const safe = isJitError(err)
    ? { code: err.code, message: err.message }
    : { code: 'internal_error', message: 'kubiya-jit hit an internal error; nothing further was changed. The operator log has the details.' };
  if (!isJitError(err)) {
    log?.error('internal error', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
  if (format === 'json') process.stdout.write(`${JSON.stringify({ ok: false, ...safe }, null, 2)}\n`);
  else process.stdout.write(`Error (${safe.code}): ${safe.message}\n`);
  return 1;
}
