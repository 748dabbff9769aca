/**
 * Renders each tool's `content`: the shell script Kubiya runs in the tool's image after substituting
 * `{{ .arg }}` with the arg's value, verbatim and unescaped, before any shell sees it.
 *
 * Why it is safe whatever a value holds:
 * - Values appear only inside a heredoc whose delimiter is quoted (`<<'…'`), so the shell does no
 *   expansion there: `$(…)`, backticks, quotes, `\` and `${IFS}` are plain bytes on the CLI's stdin.
 * - The heredoc belongs to an `exec` at the top level, the last command of the script. A value holding a
 *   line equal to the delimiter closes the heredoc early, but then the shell runs `exec` and is replaced by
 *   the CLI: the lines after it are never parsed. (A compound command such as `{ …; }` or `if` would be
 *   parsed whole before running, so the exec must never be wrapped in one.)
 * - If `exec` cannot run, a non-interactive POSIX shell exits rather than read on; the `command -v` guard
 *   makes the usual cause (no `kubiya-jit` on PATH) fail before the heredoc is even read.
 * - Lines before the `exec` contain no template, and every value sits on a line of its own under a marker
 *   the CLI checks strictly (scripts/cli/args-document.ts), so a value cannot pose as another arg.
 * Verified with bash and dash, via `-c`, a script file and stdin (test/unit/tools/content-safety.test.ts).
 */
import { ARG_MARKER } from '../scripts/cli/args-document.js';
import { ConfigError } from '../scripts/core/errors.js';
import { ARG_NAME, TOOL_NAME } from './model.js';

/** Closes the args heredoc. Fixed, since content is static; safety never depends on it staying secret. */
export const ARGS_DELIMITER = 'KUBIYA_JIT_ARGS_7f3a';

/** Where the bundle places the packaged config (scripts/config/config-package.ts) in every tool's container. */
export const CONFIG_PATH = '/etc/kubiya-jit/jit-config.pkg';

/** The variable that tells the CLI which bundle shape (tools, args, variables, image) its tool belongs to. */
export const FINGERPRINT_VARIABLE = 'JIT_BUNDLE_FINGERPRINT';

/** Where the bundle mounts the named volume that keeps the database between runs. */
export const DATA_PATH = '/var/lib/kubiya-jit';

/** The SQLite database used when the environment does not set `JIT_DATABASE`. */
export const DEFAULT_DATABASE = `${DATA_PATH}/jit.sqlite`;

/** The CLI flag that tells `kubiya-jit` to read its args as an args document on stdin. */
export const ARGS_DOCUMENT_FLAG = '--args-document';

/**
 * Renders the content script that runs `kubiya-jit <command>` with the given args, in this order, as an
 * args document on stdin. `command` is the tool's name; the CLI must accept every bundle tool name as a
 * command. Throws a {@link ConfigError} when a name could carry shell syntax or template syntax.
 */
export function renderContent(command: string, argNames: readonly string[], options: { fingerprint?: string } = {}): string {
  if (!TOOL_NAME.test(command)) {
    throw new ConfigError(`Tool name "${command}" may only hold letters, digits, _ and -, starting with a letter (64 at most). Rename it in the config.`);
  }
  for (const name of argNames) {
    if (!ARG_NAME.test(name)) {
      throw new ConfigError(`Arg name "${name}" of tool ${command} must be an identifier (letters, digits, _). Rename it in the config.`);
    }
  }
  const lines = [
    `# ${command}: arg values reach kubiya-jit only as stdin data (quoted heredoc); the shell never parses them.`,
    'set -eu',
    `export JIT_CONFIG=${CONFIG_PATH}`,
    ...(options.fingerprint ? [`export ${FINGERPRINT_VARIABLE}=${safeFingerprint(options.fingerprint)}`] : []),
    `export JIT_DATABASE="\${JIT_DATABASE:-${DEFAULT_DATABASE}}"`,
    `command -v kubiya-jit >/dev/null 2>&1 || { echo "kubiya-jit is not on PATH in this image" >&2; exit 127; }`,
  ];
  if (argNames.length === 0) {
    // Stdin closed: when the shell reads its script from stdin, the CLI must not inherit the rest of it.
    lines.push(`exec kubiya-jit ${command} </dev/null`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(`exec kubiya-jit ${command} ${ARGS_DOCUMENT_FLAG} <<'${ARGS_DELIMITER}'`);
  for (const name of argNames) lines.push(`${ARG_MARKER}${name}`, `{{ .${name} }}`);
  lines.push(ARGS_DELIMITER);
  return `${lines.join('\n')}\n`;
}

function safeFingerprint(value: string): string {
  // Written into a shell script unquoted: only a digest's characters may appear.
  if (!/^[a-z0-9]+:[0-9a-f]{8,64}$/.test(value)) throw new ConfigError(`"${value.slice(0, 80)}" is not a bundle fingerprint.`);
  return value;
}
