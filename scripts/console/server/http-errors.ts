import { ConfigError, ConflictError, isJitError, JitError, NotFoundError, PermissionError, UpstreamError, ValidationError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';

/** No valid session or token came with the request (HTTP 401). */
export class AuthenticationError extends JitError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'AuthenticationError';
  }
}

/** The body is larger than the server accepts (HTTP 413). */
export class PayloadTooLargeError extends JitError {
  constructor(message: string) {
    super('http.payload_too_large', message);
    this.name = 'PayloadTooLargeError';
  }
}

/** The one mapping from the package's error kinds to HTTP statuses; everything else is a 500. */
export function httpStatusOf(err: unknown): 400 | 401 | 403 | 404 | 409 | 413 | 500 | 502 {
  if (err instanceof AuthenticationError) return 401;
  if (err instanceof PayloadTooLargeError) return 413;
  if (err instanceof ValidationError) return 400;
  if (err instanceof PermissionError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof UpstreamError) return 502;
  if (err instanceof ConfigError) return 500;
  return isJitError(err) ? 400 : 500;
}

/** The body of a failed call: the same `{ ok: false, code, message }` as the CLI's `--output json`. */
export interface ErrorBody {
  ok: false;
  code: string;
  message: string;
}

/**
 * What a person or API client may see about a failure: an error raised on purpose shows its code and message;
 * anything else a generic sentence, its stack going to the operator log only (as the CLI's boundary does).
 */
export function errorBody(err: unknown, log: Logger): ErrorBody {
  if (isJitError(err)) return { ok: false, code: err.code, message: err.message };
  log.error('internal error', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return { ok: false, code: 'internal_error', message: 'kubiya-jit hit an internal error; nothing further was changed. The operator log has the details.' };
}
