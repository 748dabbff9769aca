import { ValidationError } from '../core/errors.js';
import { quoted } from '../core/quote.js';
import { GLOBAL_OPTIONS, type CommandSpec, type OptionSpec, type OptionValue, type ParsedCommand } from './command-spec.js';
import { closestName } from './closest-name.js';
import { readOptionValue } from './option-values.js';

/**
 * Parses the words after a command's name against its spec: `--name value`, `--name=value`, flags, `-h`,
 * a subcommand, and the one bare word some commands take. Anything the spec does not declare is refused with
 * an error naming it and what the command does take; nothing runs after a refusal, so a typo never writes a
 * file or starts a loop. A repeated option is refused too: keeping one of two values silently is how a
 * request ends up granting something else.
 */
export function parseCommand(words: readonly string[], root: CommandSpec): ParsedCommand {
  let spec = root;
  const raw = new Map<string, { option: OptionSpec; value: string | undefined }>();
  let word: string | undefined;
  let help = false;
  for (let i = 0; i < words.length; i += 1) {
    const text = words[i]!;
    if (text === '-h') {
      help = true;
      continue;
    }
    if (!text.startsWith('-') || text === '-') {
      if (spec.subcommands) {
        // Still at the parent: the word must name one of its subcommands.
        const sub = spec.subcommands.find((s) => s.name.split(' ').pop() === text);
        if (!sub) throw unknownSubcommand(spec, text);
        spec = sub;
      } else if (spec.word && word === undefined) word = text;
      else throw strayWord(spec, text);
      continue;
    }
    if (!text.startsWith('--') || text.length === 2) throw unknownOption(spec, text);
    const eq = text.indexOf('=');
    const name = text.slice(2, eq === -1 ? undefined : eq);
    const option = [...spec.options, ...GLOBAL_OPTIONS].find((o) => o.name === name);
    if (!option) throw unknownOption(spec, `--${name}`);
    if (raw.has(name)) throw new ValidationError('cli.repeated_option', `--${name} is given twice; give it once.`, { option: name });
    if (option.type === 'flag') {
      if (eq !== -1) throw new ValidationError('cli.unexpected_value', `--${name} takes no value; write --${name} alone.`, { option: name });
      raw.set(name, { option, value: undefined });
      continue;
    }
    const value = eq === -1 ? words[++i] : text.slice(eq + 1);
    if (value === undefined) {
      throw new ValidationError('cli.missing_value', `--${name} needs a value: --${name} ${option.placeholder ?? 'VALUE'}.`, { option: name });
    }
    raw.set(name, { option, value });
  }
  help ||= raw.has('help');
  const version = raw.has('version');
  const json = raw.has('json') || raw.get('output')?.value === 'json';
  const values: Record<string, OptionValue> = {};
  for (const [name, { option, value }] of raw) {
    if (GLOBAL_OPTIONS.some((o) => o.name === name) && !spec.options.includes(option)) {
      if (name === 'output') readOptionValue(option, value!, spec.name);
      continue;
    }
    values[name] = readOptionValue(option, value, spec.name);
  }
  if (!help && !version) {
    if (spec.subcommands) throw missingSubcommand(spec);
    const missing = spec.options.filter((o) => o.required && values[o.name] === undefined);
    if (missing.length) {
      const list = missing.map((o) => `--${o.name} ${o.placeholder ?? 'VALUE'}`).join(' ');
      throw new ValidationError('cli.missing_option', `${spec.name} needs ${list}. Run kubiya-jit ${spec.name} --help for its options.`, { options: missing.map((o) => o.name) });
    }
  }
  return { spec, values, ...(word !== undefined ? { word } : {}), help, version, json };
}

function unknownOption(spec: CommandSpec, given: string): ValidationError {
  if (spec.tool) {
    const list = spec.options.filter((o) => o.type !== 'flag').map((o) => `--${o.name}`).join(', ') || 'none';
    return new ValidationError('cli.unknown_argument', `${spec.name} has no argument ${quoted(given, 40)}. Its arguments: ${list}.`, { option: given.slice(0, 40) });
  }
  const names = spec.options.map((o) => `--${o.name}`);
  const guess = given.startsWith('--') ? closestName(given.slice(2), [...spec.options, ...GLOBAL_OPTIONS].map((o) => o.name)) : undefined;
  const hint = guess ? ` Did you mean --${guess}?` : '';
  const takes = names.length ? `It takes ${names.join(', ')}` : 'It takes no options';
  const helpCommand = spec.name === 'kubiya-jit' ? 'kubiya-jit --help' : `kubiya-jit ${spec.name} --help`;
  return new ValidationError(
    'cli.unknown_option',
    `${spec.name} has no option ${quoted(given, 40)}.${hint} ${takes} (and --output, --help). Run ${helpCommand}.`,
    { option: given.slice(0, 40) },
  );
}

function unknownSubcommand(spec: CommandSpec, given: string): ValidationError {
  const subs = (spec.subcommands ?? []).map((s) => s.name.split(' ').pop()!);
  const guess = closestName(given, subs);
  return new ValidationError(
    'cli.unknown_subcommand',
    `${quoted(given, 40)} is not a subcommand of ${spec.name}.${guess ? ` Did you mean ${spec.name} ${guess}?` : ''} Use ${subs.map((s) => `${spec.name} ${s}`).join(' or ')}.`,
    { subcommand: given.slice(0, 40) },
  );
}

function missingSubcommand(spec: CommandSpec): ValidationError {
  const subs = (spec.subcommands ?? []).map((s) => `kubiya-jit ${s.name}`);
  return new ValidationError('cli.missing_subcommand', `${spec.name} needs a subcommand: ${subs.join(' or ')}.`);
}

function strayWord(spec: CommandSpec, given: string): ValidationError {
  if (spec.tool) {
    return new ValidationError('cli.unexpected_word', `${spec.name} takes named arguments only (--name value); ${quoted(given, 40)} has no name.`, { word: given.slice(0, 40) });
  }
  return new ValidationError(
    'cli.unexpected_word',
    `${spec.name} takes ${spec.word ? `one ${spec.word.name}` : 'no bare words'}, only --name value options; ${quoted(given, 40)} is extra. Run kubiya-jit ${spec.name} --help.`,
    { word: given.slice(0, 40) },
  );
}
