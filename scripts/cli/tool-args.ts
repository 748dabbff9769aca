import { ValidationError } from '../core/errors.js';
import { quoted } from '../core/quote.js';
import type { ToolArgs } from '../handlers/handler.js';
import { parseArgsDocument, readArgsDocument } from './args-document.js';
import type { ParsedArgv } from './parse-argv.js';

/**
 * A tool's arguments, from `--name value` options or, with `--args-document`, from the document on stdin
 * that the bundled tool content sends. An argument the tool does not have is an error naming the ones it has.
 */
export async function collectToolArgs(tool: string, expected: readonly string[], argv: ParsedArgv): Promise<ToolArgs> {
  const known = new Set(expected);
  const options = Object.entries(argv.options).filter(([name]) => name !== 'output');
  for (const [name] of options) {
    if (!known.has(name)) {
      const list = expected.length ? expected.map((a) => `--${a}`).join(', ') : 'none';
      throw new ValidationError('cli.unknown_argument', `${tool} has no argument ${quoted(`--${name}`, 60)}. Its arguments: ${list}.`);
    }
  }
  if (argv.positional.length) {
    throw new ValidationError('cli.unexpected_word', `${tool} takes named arguments only (--name value); ${quoted(argv.positional[0]!, 40)} has no name.`);
  }
  if (!argv.flags.has('args-document')) return Object.fromEntries(options);
  if (options.length) throw new ValidationError('cli.mixed_arguments', 'Give arguments either as options or as an args document, not both.');
  return parseArgsDocument(await readArgsDocument(process.stdin), expected);
}
