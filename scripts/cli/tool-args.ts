import { ValidationError } from '../core/errors.js';
import type { ToolArgs, ToolHandler } from '../handlers/handler.js';
import { parseArgsDocument, readArgsDocument } from './args-document.js';
import type { CommandSpec, ParsedCommand } from './command-spec.js';

/**
 * A tool's command spec: one text option per argument of the tool (the names its Kubiya definition declares),
 * plus `--args-document`, with which the bundled tool content sends the values on stdin instead.
 */
export function toolSpec(handler: ToolHandler): CommandSpec {
  return {
    name: handler.name,
    summary: `the ${handler.name} tool`,
    tool: true,
    options: [
      ...handler.args.map((name) => ({ name, type: 'text' as const, placeholder: 'VALUE', description: name })),
      { name: 'args-document', type: 'flag' as const, description: 'read the arguments from an args document on stdin (what the bundled tool content sends)' },
    ],
    database: handler.database ?? 'existing',
  };
}

/**
 * A tool's arguments, from `--name value` options or, with `--args-document`, from the document on stdin
 * that the bundled tool content sends. Unknown arguments were already refused by the parser.
 */
export async function collectToolArgs(handler: ToolHandler, parsed: ParsedCommand): Promise<ToolArgs> {
  const options = Object.entries(parsed.values).filter(([name]) => name !== 'args-document') as [string, string][];
  if (parsed.values['args-document'] === undefined) return Object.fromEntries(options);
  if (options.length) throw new ValidationError('cli.mixed_arguments', 'Give arguments either as options or as an args document, not both.');
  return parseArgsDocument(await readArgsDocument(process.stdin), handler.args);
}
