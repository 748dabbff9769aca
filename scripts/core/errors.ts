/**
 * Errors the package raises on purpose. Each carries a namespaced `code` that the CLI prints as is, a
 * message written for the person who asked (what was wrong and what to do), and optional structured detail
 * for the operator's log. Anything that is not a {@link JitError} is an internal failure and never has its
 * message shown to the person.
 */
export class JitError extends Error {
  /** Namespaced, stable code such as `request.invalid_ttl`. */
  readonly code: string;
  /** Extra, non-secret fields that help an operator; never shown in Slack. */
  readonly detail: Record<string, unknown>;

  constructor(code: string, message: string, options: { cause?: unknown; detail?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'JitError';
    this.code = code;
    this.detail = options.detail ?? {};
  }
}

/** The input was wrong: a missing or malformed argument, an unknown tool, a TTL over the maximum. */
export class ValidationError extends JitError {
  constructor(code: string, message: string, detail: Record<string, unknown> = {}) {
    super(code, message, { detail });
    this.name = 'ValidationError';
  }
}

/** The person may not do this: not an approver, self-approval, not in an allowed group. */
export class PermissionError extends JitError {
  constructor(code: string, message: string, detail: Record<string, unknown> = {}) {
    super(code, message, { detail });
    this.name = 'PermissionError';
  }
}

/** The request is not in a state that allows this action (already decided, already ended). */
export class ConflictError extends JitError {
  constructor(code: string, message: string, detail: Record<string, unknown> = {}) {
    super(code, message, { detail });
    this.name = 'ConflictError';
  }
}

/** Something the package depends on (Slack, Okta, AWS, the Enforcer) failed or refused. */
export class UpstreamError extends JitError {
  constructor(code: string, message: string, options: { cause?: unknown; detail?: Record<string, unknown> } = {}) {
    super(code, message, options);
    this.name = 'UpstreamError';
  }
}

/**
 * A provider refused a grant before changing anything at its target (a document would exceed a size limit):
 * the request ends `failed` with the message, and there is nothing to undo, so no removal is attempted.
 */
export class GrantRefusedError extends JitError {
  constructor(code: string, message: string, detail: Record<string, unknown> = {}) {
    super(code, message, { detail });
    this.name = 'GrantRefusedError';
  }
}

/** The request (or the database a command must read) does not exist. */
export class NotFoundError extends JitError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'NotFoundError';
  }
}

/**
 * The package's configuration is wrong; the message names the file and the key. The code is
 * `config.invalid` unless a more precise one is given (`config.bundle_mismatch`).
 */
export class ConfigError extends JitError {
  constructor(message: string, detail: Record<string, unknown> = {}, code = 'config.invalid') {
    super(code, message, { detail });
    this.name = 'ConfigError';
  }
}

/**
 * What may be shown to people about a failure: the message of an error this package raised on purpose, or a
 * generic sentence for anything else, whose text (a vendor's, a library's) goes to the operator log only.
 */
export function publicReason(err: unknown, fallback = 'an unexpected error (the operator log has the details)'): string {
  return isJitError(err) ? err.message : fallback;
}

/** True when `err` is an error this package raised on purpose (its message is safe to show). */
export function isJitError(err: unknown): err is JitError {
  return err instanceof JitError;
}
