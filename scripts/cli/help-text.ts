import type { CommandResult } from '../handlers/handler.js';
import type { ToolDefinition } from '../../tools/definitions/definition.js';
import { GLOBAL_OPTIONS, type CommandSpec, type OptionSpec } from './command-spec.js';

/** The usage line of a command: its name, its subcommands or word, its options (required ones bare). */
export function usageLine(spec: CommandSpec): string {
  const parts = [`kubiya-jit ${spec.name}`];
  if (spec.subcommands) parts.push(`<${spec.subcommands.map((s) => s.name.split(' ').pop()).join('|')}>`);
  if (spec.word) parts.push(`[${spec.word.name}]`);
  for (const option of spec.options) {
    const text = option.type === 'flag' ? `--${option.name}` : `--${option.name} ${option.placeholder ?? 'VALUE'}`;
    parts.push(option.required ? text : `[${text}]`);
  }
  return parts.join(' ');
}

/** `kubiya-jit <command> --help`: the usage, what it does, each option, subcommands and notes. */
export function commandHelp(spec: CommandSpec): CommandResult {
  const lines = [`Usage: ${usageLine(spec)}`, '', spec.summary];
  if (spec.subcommands) {
    lines.push('', 'Subcommands:', ...table(spec.subcommands.map((s) => [s.name, s.summary])));
    lines.push('', `Run kubiya-jit ${spec.name} <subcommand> --help for its options.`);
  }
  if (spec.word) lines.push('', 'Argument:', ...table([[spec.word.name, spec.word.description]]));
  if (spec.options.length) lines.push('', 'Options:', ...table(spec.options.map((o) => [optionLabel(o), `${o.required ? '(required) ' : ''}${o.description}`])));
  lines.push('', 'Every command also takes:', ...table(GLOBAL_OPTIONS.map((o) => [optionLabel(o), o.description])));
  if (spec.notes?.length) lines.push('', ...spec.notes);
  return {
    human: lines.join('\n'),
    json: {
      command: spec.name,
      usage: usageLine(spec),
      summary: spec.summary,
      options: spec.options.map((o) => ({ name: o.name, type: o.type, required: o.required === true, description: o.description })),
      subcommands: (spec.subcommands ?? []).map((s) => ({ command: s.name, summary: s.summary })),
    },
  };
}

/**
 * `kubiya-jit <tool> --help`: the tool's description and its arguments, required ones marked, taken from its
 * Kubiya tool definition (the same text the teammate's LLM reads).
 */
export function toolHelp(tool: ToolDefinition): CommandResult {
  const usage = [`kubiya-jit ${tool.name}`, ...tool.args.map((a) => (a.required ? `--${a.name} VALUE` : `[--${a.name} VALUE]`))].join(' ');
  const args = tool.args.map((a) => {
    const extra = [a.required ? '(required)' : '(optional)', a.default !== undefined ? `default ${a.default};` : '', a.options ? `one of ${a.options.join(', ')};` : '']
      .filter(Boolean)
      .join(' ');
    return [`--${a.name}`, `${extra} ${a.description}`];
  });
  const lines = [`Usage: ${usage}`, '', tool.description, '', args.length ? 'Arguments:' : 'Arguments: none', ...table(args)];
  lines.push('', 'Or give every argument as an args document on stdin with --args-document (what the bundled tool sends).');
  lines.push('The person running it is KUBIYA_USER_EMAIL; the config is JIT_CONFIG; the database is JIT_DATABASE.');
  return {
    human: lines.join('\n'),
    json: {
      command: tool.name,
      usage,
      summary: tool.description,
      args: tool.args.map((a) => ({ name: a.name, required: a.required === true, ...(a.default !== undefined ? { default: a.default } : {}), ...(a.options ? { options: a.options } : {}), description: a.description })),
    },
  };
}

function optionLabel(option: OptionSpec): string {
  if (option.name === 'help') return '-h, --help';
  return option.type === 'flag' ? `--${option.name}` : `--${option.name} ${option.placeholder ?? 'VALUE'}`;
}

function table(rows: readonly (readonly [string, string])[] | string[][]): string[] {
  const width = Math.min(Math.max(...rows.map((r) => r[0]!.length)), 28);
  return rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`);
}
