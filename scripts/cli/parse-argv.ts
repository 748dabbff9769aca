import { ValidationError } from '../core/errors.js';
import { quoted } from '../core/quote.js';

/** A command line split into the command, its `--name value` options and bare words. */
export interface ParsedArgv {
  command: string | undefined;
  options: Record<string, string>;
  flags: Set<string>;
  positional: string[];
}

/** Options that never take a value. */
const FLAGS = new Set(['args-document', 'check', 'fix', 'help', 'json', 'post-slack', 'show']);

/**
 * Parses `kubiya-jit <command> --name value --name=value --flag word`. A repeated option is an error: with
 * tool arguments, silently keeping one of two values is how a request ends up granting something else.
 */
export function parseArgv(argv: readonly string[]): ParsedArgv {
  const [command, ...rest] = argv;
  const options: Record<string, string> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i]!;
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.slice(2, eq === -1 ? undefined : eq);
    if (!name) throw new ValidationError('cli.bad_option', `${quoted(word, 60)} is not an option; write --name value.`);
    if (FLAGS.has(name) && eq === -1) {
      flags.add(name);
      continue;
    }
    const value = eq === -1 ? rest[++i] : word.slice(eq + 1);
    if (value === undefined) throw new ValidationError('cli.missing_value', `${quoted(`--${name}`, 60)} needs a value.`);
    if (name in options) throw new ValidationError('cli.repeated_option', `${quoted(`--${name}`, 60)} is given twice; give it once.`);
    options[name] = value;
  }
  return { command, options, flags, positional };
}
