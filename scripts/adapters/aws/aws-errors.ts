import { UpstreamError } from '../../core/errors.js';

/** The AWS error name (`NoSuchEntity`, `EntityAlreadyExists`, …) of an SDK error, or undefined. */
export function awsErrorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const record = err as { name?: unknown; Code?: unknown };
  if (typeof record.name === 'string' && record.name !== 'Error') return record.name;
  return typeof record.Code === 'string' ? record.Code : undefined;
}

/** True when AWS said the thing does not exist (IAM's `NoSuchEntity`, SSO's `ResourceNotFoundException`). */
export function isNotFound(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === 'NoSuchEntity' || name === 'NoSuchEntityException' || name === 'ResourceNotFoundException';
}

/** True when AWS said the thing already exists. */
export function isAlreadyExists(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === 'EntityAlreadyExists' || name === 'EntityAlreadyExistsException' || name === 'ConflictException';
}

/**
 * Wraps an SDK failure in an {@link UpstreamError} whose message says what the package was doing and what
 * AWS answered. AWS error messages name resources, never credentials, so they are safe to show.
 */
export function upstream(action: string, err: unknown): UpstreamError {
  if (err instanceof UpstreamError) return err;
  const name = awsErrorName(err) ?? 'Error';
  const reason = err instanceof Error ? err.message.slice(0, 300) : String(err).slice(0, 300);
  return new UpstreamError('aws.call_failed', `AWS refused to ${action}: ${name}: ${reason}`, {
    cause: err,
    detail: { awsError: name },
  });
}

/** Runs `call`, turning a not-found answer into `undefined` and any other failure into an UpstreamError. */
export async function unlessNotFound<T>(action: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw upstream(action, err);
  }
}

/** Runs `call`, turning any failure into an UpstreamError that says what was being done. */
export async function callAws<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw upstream(action, err);
  }
}
