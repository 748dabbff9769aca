/**
 * From a command line to a result: finds the command (an operator command, a static tool, or a tool generated
 * from the config), parses its options against its spec, and answers `--help` / `--version` or runs it.
 * A name that is none of these is an error, whatever follows it.
 */
import { AppContext } from '../app/app-context.js';
import type { CommandResult } from '../handlers/handler.js';
import { STATIC_HANDLERS } from '../handlers/registry.js';
import { GLOBAL_OPTIONS, type CommandSpec } from './command-spec.js';
import { commandHelp } from './help-text.js';
import { findOperatorCommand } from './operator-commands.js';
import { parseCommand } from './parse-command.js';
import { resolveTool, runTool, unknownCommand } from './run-tool.js';
import { toolSpec } from './tool-args.js';

/** What a command line produced, and whether it asked for JSON. */
export interface CommandLineOutcome {
  result: CommandResult;
  json: boolean;
}

/** The commands that end grants, and so run even when the config cannot be read. */
const EXPIRY_COMMANDS = new Set(['worker', 'sweep', 'sweep_expired_access']);

/** `kubiya-jit` with no command: only the global options. */
const ROOT: CommandSpec = { name: 'kubiya-jit', summary: 'just-in-time access for Kubiya teammates', options: [] };

/**
 * Runs one command line. `onContext` receives the app context as soon as one is made, so the caller can
 * close it and log through it even when the command fails.
 */
export async function runCommandLine(raw: readonly string[], env: NodeJS.ProcessEnv, onContext: (ctx: AppContext) => void): Promise<CommandLineOutcome> {
  const { name, words } = splitCommand(raw);
  let made: AppContext | undefined;
  const context = async (spec: CommandSpec | undefined): Promise<AppContext> => {
    if (!made) {
      // Expiry must not stop because the config broke: these commands run with what each grant recorded.
      // The worker as a service (--metrics-port) logs JSON lines to stdout, where a log collector reads them.
      const service = name === 'worker' && raw.some((word) => word === '--metrics-port' || word.startsWith('--metrics-port=')) && !env.JIT_LOG;
      made = await AppContext.create(service ? { ...env, JIT_LOG: 'stdout' } : env, {}, { tolerateConfigErrors: EXPIRY_COMMANDS.has(name ?? '') });
      onContext(made);
    }
    const ctx = made;
    if (spec) {
      ctx.databaseAccess = spec.database ?? 'existing';
      ctx.commandName = spec.name;
      if (spec.database === 'create' || spec.database === 'existing') await ctx.openStore();
    }
    return ctx;
  };

  if (name === undefined) {
    const parsed = parseCommand(words, ROOT);
    return { result: parsed.version ? await versionResult() : await mainHelp(), json: parsed.json };
  }

  const operator = findOperatorCommand(name);
  if (operator) {
    const parsed = parseCommand(words, operator.spec);
    if (parsed.version) return { result: await versionResult(), json: parsed.json };
    if (parsed.help) return { result: commandHelp(parsed.spec), json: parsed.json };
    if (!operator.run) return { result: await helpTopic(parsed.word, () => context(undefined)), json: parsed.json };
    return { result: await operator.run(await context(parsed.spec), parsed), json: parsed.json };
  }

  const handler = STATIC_HANDLERS.get(name) ?? (isToolName(name) ? await resolveTool(await context(undefined), name) : undefined);
  if (!handler) throw unknownCommand(name);
  const spec = toolSpec(handler);
  const parsed = parseCommand(words, spec);
  if (parsed.version) return { result: await versionResult(), json: parsed.json };
  if (parsed.help) return { result: await helpTopic(name, () => context(undefined)), json: parsed.json };
  return { result: await runTool(await context(spec), handler, parsed), json: parsed.json };
}

/**
 * The command's name and the words after it. Global options may come first (`kubiya-jit --output json
 * sweep`); they are moved after the name, where every command accepts them.
 */
function splitCommand(raw: readonly string[]): { name: string | undefined; words: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < raw.length && raw[i]!.startsWith('-')) {
    const word = raw[i]!;
    const global = GLOBAL_OPTIONS.find((o) => word === `--${o.name}` || word.startsWith(`--${o.name}=`));
    leading.push(word);
    if (global && global.type !== 'flag' && !word.includes('=') && i + 1 < raw.length) leading.push(raw[++i]!);
    i += 1;
    // An unknown option before any command: let the root's parser refuse it by name.
    if (!global && word !== '-h') return { name: undefined, words: [...raw] };
  }
  if (i >= raw.length) return { name: undefined, words: leading };
  return { name: raw[i], words: [...raw.slice(i + 1), ...leading] };
}

function isToolName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name);
}

/** `--version`: package.json's version. */
async function versionResult(): Promise<CommandResult> {
  const { packageVersion } = await import('../app/package-version.js');
  const version = packageVersion();
  return { human: `kubiya-jit ${version}`, json: { version } };
}

async function mainHelp(): Promise<CommandResult> {
  return (await import('./commands/help-command.js')).helpCommand();
}

/**
 * Help for one tool or command by name (`help audit`, `request_tool_access --help`, a generated tool's
 * `--help`); with no name, the list of everything. A name that is nothing is an error.
 */
async function helpTopic(name: string | undefined, context: () => Promise<AppContext>): Promise<CommandResult> {
  if (name === undefined) return mainHelp();
  const operator = findOperatorCommand(name);
  if (operator) return commandHelp(operator.spec);
  const [{ toolHelp }, { findStaticTool }] = await Promise.all([import('./help-text.js'), import('../../tools/definitions/index.js')]);
  const tool = findStaticTool(name);
  if (tool) return toolHelp(tool);
  if (isToolName(name)) {
    const [deps, { findDedicatedTool }] = await Promise.all([(await context()).deps(), import('../../tools/definitions/generated.js')]);
    const generated = findDedicatedTool(name, deps.catalog.list());
    if (generated) return toolHelp(generated.tool);
  }
  throw unknownCommand(name);
}
