/**
 * The shape of a command's declarative option spec: what words and options it takes, what each value must be,
 * and whether it may create the database. The one parser (parse-command.ts) reads these, help is rendered
 * from them, and nothing else decides what a command accepts.
 */

/**
 * How an option's value is read:
 * - `flag`: no value (`--check`);
 * - `text`: any string, kept as given (tool arguments);
 * - `duration`: `30m`, `1h`, `1d`, `PT1H`, … through the core's one duration parser; the value is whole seconds;
 * - `file`: a path (to write to, or for `config --bundle` to read); never a word that looks like an option;
 * - `choice`: one of `choices`;
 * - `port`: a TCP port, 0–65535 (0: any free one); the value is the number.
 */
export type OptionType = 'flag' | 'text' | 'duration' | 'file' | 'choice' | 'port';

/** One `--name` option of a command. */
export interface OptionSpec {
  /** The name without its dashes: `max-runtime` for `--max-runtime`. */
  name: string;
  type: OptionType;
  /** One line for help. */
  description: string;
  required?: boolean;
  /** The value's name in help and errors: `FILE`, `DURATION`. */
  placeholder?: string;
  /** For `choice`. */
  choices?: readonly string[];
}

/**
 * What a command does with the database: `create` may make a new one (a request, the worker, a sweep);
 * `existing` only opens one that is already there and says so when it is not; `if-present` uses one that is
 * there and otherwise runs without (nothing it reports comes from it: `approvers` keeps only Okta's answers
 * there, as a cache). Commands that never touch the store need not say.
 */
export type DatabaseAccess = 'create' | 'existing' | 'if-present';

/** One command or subcommand: `worker`, `audit`, `audit verify`. */
export interface CommandSpec {
  /** The words that name it, after `kubiya-jit`: `audit verify`. */
  name: string;
  /** One line for help and the command list. */
  summary: string;
  options: readonly OptionSpec[];
  /** A command with subcommands needs exactly one of them (`audit verify`, `audit export`). */
  subcommands?: readonly CommandSpec[];
  /** A single optional bare word the command takes (`help [command]`), by its name in help. */
  word?: { name: string; description: string };
  database?: DatabaseAccess;
  /** A Kubiya tool run from the CLI: its options are the tool's arguments, and errors call them that. */
  tool?: boolean;
  /** Extra lines for help: examples, exit codes. */
  notes?: readonly string[];
}

/** A value as parsed: text, whole seconds for a duration, `true` for a flag. */
export type OptionValue = string | number | true;

/** The outcome of parsing one command line against its spec. */
export interface ParsedCommand {
  /** The spec that was matched, down to the subcommand. */
  spec: CommandSpec;
  /** The option values given, by option name; absent when not given. */
  values: Readonly<Record<string, OptionValue>>;
  /** The bare word, for commands that take one. */
  word?: string;
  /** `--help` or `-h` was given: show the spec's help instead of running it. */
  help: boolean;
  /** `--version` was given. */
  version: boolean;
  /** `--output json` (or `--json`): print one JSON document. */
  json: boolean;
}

/** Options every command takes, wherever they appear on the line. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'output', type: 'choice', choices: ['human', 'json'], placeholder: 'FORMAT', description: 'human (the default) or json: one JSON document, snake_case keys' },
  { name: 'json', type: 'flag', description: 'the same as --output json' },
  { name: 'help', type: 'flag', description: 'this help' },
  { name: 'version', type: 'flag', description: "kubiya-jit's version" },
];
