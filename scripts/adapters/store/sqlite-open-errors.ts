import { existsSync } from 'node:fs';
import { NotFoundError, UpstreamError } from '../../core/errors.js';

/** What to do about a database that is not where the environment says. */
const FIX =
  'Set JIT_DATABASE to the database the tools use (on Kubiya, jit.sqlite on the kubiya-jit-data volume). A new database is created by the first request_tool_access, or by kubiya-jit sweep or worker.';

/** The error for a command that needs an existing database and finds none at `path`; nothing was created. */
export function missingDatabase(path: string, command: string | undefined): NotFoundError {
  return new NotFoundError(
    'store.not_found',
    `There is no kubiya-jit database at ${path}${command ? `, so ${command} has nothing to read` : ''}; it was not created. ${FIX}`,
  );
}

/**
 * Turns a failure to open the SQLite file into an error an operator can act on: a file that is not a
 * database, or a folder that cannot be read or written. Anything else is returned as it is (an internal error).
 */
export function describeOpenError(err: unknown, path: string, command: string | undefined): unknown {
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_CANTOPEN' && !existsSync(path)) return missingDatabase(path, command);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new UpstreamError('store.unreadable', `${path} is not a kubiya-jit database (SQLite says: not a database). Check JIT_DATABASE.`, { cause: err });
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM' || code === 'EACCES') {
    return new UpstreamError('store.unreadable', `Cannot open the kubiya-jit database at ${path}: check that it and its folder can be read and written. ${FIX}`, { cause: err });
  }
  return err;
}
