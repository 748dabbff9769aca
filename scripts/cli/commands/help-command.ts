import type { CommandResult } from '../../handlers/handler.js';
import { STATIC_TOOLS } from '../../../tools/definitions/index.js';
import { GLOBAL_OPTIONS } from '../command-spec.js';
import { usageLine } from '../help-text.js';
import { OPERATOR_COMMANDS } from '../operator-commands.js';

/** `kubiya-jit help` (and `kubiya-jit --help`): the tools, with their required args, and the operator commands. */
export function helpCommand(): CommandResult {
  const tools = STATIC_TOOLS.map((t) => `  ${t.name}${t.args.map((a) => (a.required ? ` --${a.name} …` : ` [--${a.name} …]`)).join('')}`);
  const commands = OPERATOR_COMMANDS.map((c) => `  ${usageLine(c.spec).replace(/^kubiya-jit /, '')}\n      ${c.spec.summary}`);
  const human = [
    'kubiya-jit — just-in-time access for Kubiya teammates.',
    '',
    'Usage: kubiya-jit <tool or command> [options]   (kubiya-jit <tool or command> --help for one in detail)',
    '',
    'Tools (the person is KUBIYA_USER_EMAIL; config from JIT_CONFIG_JSON or JIT_CONFIG; database from JIT_DATABASE):',
    ...tools,
    '  <generated tool> — one per configured policy, access config or S3 config (see kubiya_bundle.json)',
    '',
    'Operator commands:',
    ...commands,
    '',
    `Every command takes ${GLOBAL_OPTIONS.map((o) => (o.name === 'help' ? '-h/--help' : `--${o.name}`)).join(', ')}.`,
    'Add --output json to any command for a machine-readable result.',
  ].join('\n');
  return {
    human,
    json: {
      tools: STATIC_TOOLS.map((t) => t.name),
      commands: OPERATOR_COMMANDS.map((c) => c.spec.name),
    },
  };
}
