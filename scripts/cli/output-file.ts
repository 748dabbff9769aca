import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ValidationError } from '../core/errors.js';

/** What a command writes with `--out`, and how to recognise an earlier file of the same kind. */
export interface OutputKind {
  /** In messages: "an audit export", "a Kubiya bundle". */
  what: string;
  /** Whether the start of an existing file (up to 64 KiB) is an earlier output of this kind. */
  recognise(head: string): boolean;
}

/**
 * Writes `content` to `path`, or refuses with an error naming the path and what to do, having written
 * nothing. An existing file is replaced only when it is empty or an earlier output of the same kind, so a
 * mistyped `--out` can never overwrite the database, the config or anything else. The content goes to a
 * temporary file in the same folder that is then renamed over the target, so a failure part-way (a full
 * disk) leaves no half-written file.
 */
export function writeOutputFile(path: string, content: string, kind: OutputKind): void {
  const target = resolve(path);
  refuseOverwrite(target, kind);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx');
    writeFileSync(fd, content, 'utf8');
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      rmSync(temp, { force: true });
    } catch {
      // The temporary file was never made (no folder, not a folder): nothing to clean up.
    }
    throw cannotWrite(target, err);
  }
}

function refuseOverwrite(target: string, kind: OutputKind): void {
  if (!existsSync(target)) return;
  const stat = statSync(target);
  if (stat.isDirectory()) {
    throw new ValidationError('cli.output_is_folder', `${target} is a folder; give --out a file path inside it, such as ${join(target, 'out')}.`, { path: target });
  }
  if (!stat.isFile()) {
    throw new ValidationError('cli.output_exists', `${target} is not a regular file; choose another --out path.`, { path: target });
  }
  if (stat.size === 0 || kind.recognise(readHead(target))) return;
  throw new ValidationError(
    'cli.output_exists',
    `${target} already exists and is not ${kind.what}, so it was left alone and nothing was written. Check --out, or remove that file first if it really should be replaced.`,
    { path: target },
  );
}

function readHead(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function cannotWrite(target: string, err: unknown): ValidationError {
  const code = (err as { code?: string }).code;
  const why =
    code === 'ENOENT' ? `its folder ${dirname(target)} does not exist` :
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `there is no permission to write in ${dirname(target)}` :
    code === 'ENOTDIR' ? `part of the path is not a folder` :
    code === 'ENOSPC' ? 'the disk is full' :
    `the system said ${code ?? 'no'}`;
  return new ValidationError('cli.cannot_write', `Cannot write ${target}: ${why}. Nothing was written; choose a path you can write (--out FILE).`, { path: target, code });
}
