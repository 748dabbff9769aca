/**
 * Tools generated from the config's catalog: for each entry with `dedicatedTool`, a request tool named after
 * the entry and, when `revokeTool` is set, a tool that ends the caller's active grant of it early.
 *
 * Both run `kubiya-jit <tool name> --args-document`; the CLI resolves the name with {@link findDedicatedTool}:
 * a request tool is `request_tool_access` with `tool_name` fixed to the entry and `tool_params` built by
 * {@link toolParamsFromArgs}; a revoke tool is `revoke_access` on the caller's active grant of the entry.
 */
import type { CatalogEntry } from '../../scripts/core/catalog.js';
import { ConfigError } from '../../scripts/core/errors.js';
import { MAX_DESCRIPTION, TOOL_NAME } from '../model.js';
import type { ToolDefinition } from './definition.js';
import { LIFECYCLE_DIAGRAM, REVOKE_DIAGRAM } from './diagrams.js';
import { paramArgs } from './generated-params.js';

export { paramArgName, toolParamsFromArgs } from './generated-params.js';

/** Options for {@link generatedTools}. */
export interface GeneratedToolOptions {
  /** Names already taken, usually the static tools; a generated tool of the same name is a config error. */
  reservedNames?: readonly string[];
}

/** A bundle tool name resolved to the catalog entry behind it. */
export type DedicatedTool =
  | { kind: 'request'; entry: CatalogEntry; tool: ToolDefinition }
  | { kind: 'revoke'; entry: CatalogEntry; tool: ToolDefinition };

/**
 * Builds the dedicated request and revoke tools of every entry that asks for them, in catalog order.
 * Throws a {@link ConfigError} naming the entry when a name is not a valid tool name or is taken twice.
 */
export function generatedTools(entries: readonly CatalogEntry[], opts: GeneratedToolOptions = {}): ToolDefinition[] {
  const taken = new Set(opts.reservedNames ?? []);
  const tools: ToolDefinition[] = [];
  const claim = (name: string, entry: CatalogEntry): void => {
    if (!TOOL_NAME.test(name)) {
      throw new ConfigError(`Tool name "${name}" of catalog entry ${entry.name} may hold only letters, digits, _ and -, starting with a letter (64 at most).`, { entry: entry.name });
    }
    if (taken.has(name)) {
      throw new ConfigError(`Catalog entry ${entry.name} would add a tool named "${name}", which already exists. Rename the entry or its revoke tool.`, { entry: entry.name });
    }
    taken.add(name);
  };
  for (const entry of entries) {
    if (!entry.dedicatedTool) continue;
    claim(entry.name, entry);
    tools.push(requestTool(entry));
    const revokeName = entry.dedicatedTool.revokeTool;
    if (revokeName !== undefined) {
      claim(revokeName, entry);
      tools.push(revokeTool(entry, revokeName));
    }
  }
  return tools;
}

/** The dedicated tool of this name among the entries, if any: what the CLI runs for `kubiya-jit <name>`. */
export function findDedicatedTool(name: string, entries: readonly CatalogEntry[]): DedicatedTool | undefined {
  for (const entry of entries) {
    if (!entry.dedicatedTool) continue;
    if (entry.name === name) return { kind: 'request', entry, tool: requestTool(entry) };
    if (entry.dedicatedTool.revokeTool === name) return { kind: 'revoke', entry, tool: revokeTool(entry, name) };
  }
  return undefined;
}

function requestTool(entry: CatalogEntry): ToolDefinition {
  const params = paramArgs(entry);
  const ttl = shortDuration(entry.defaultTtlSeconds);
  const max = shortDuration(entry.maxTtlSeconds);
  return {
    name: entry.name,
    description: describe(
      `Ask for temporary access: ${entry.description}`,
      `Call it when the person needs this access; approvers decide in Slack and the access ends by itself after the ttl (default ${ttl}, at most ${max}).`,
      `Example: ttl=${ttl}, justification="Investigate INC-42". Returns a request id to tell the person.`,
    ),
    args: [
      ...params,
      {
        name: 'ttl',
        type: 'str',
        required: false,
        default: ttl,
        description: `How long the access should last once approved: 30m, 1h, 2d or ISO 8601 such as PT1H. Defaults to ${ttl}; at most ${max}.`,
      },
      {
        name: 'justification',
        type: 'str',
        required: true,
        description: 'Why the access is needed, in one or two sentences approvers will read: the task, ticket or incident.',
      },
      {
        name: 'user_email',
        type: 'str',
        required: false,
        description: 'Email of the person who will get the access. Leave out for the person you are talking to; someone else only where the configuration allows it.',
      },
    ],
    mermaid: LIFECYCLE_DIAGRAM,
  };
}

function revokeTool(entry: CatalogEntry, name: string): ToolDefinition {
  return {
    name,
    description: describe(
      `End your active ${entry.name} access before its ttl runs out.`,
      'Call it when the person says they are done with it. It ends the caller\'s own active grant of this access (or the request given by request_id, which the requester or an approver may end) and tells the requester.',
      'Example: reason="Done with the migration".',
    ),
    args: [
      {
        name: 'reason',
        type: 'str',
        required: true,
        description: 'Why the access ends early, in a short sentence kept in the audit log.',
      },
      {
        name: 'request_id',
        type: 'str',
        required: false,
        description: `Only when ending a specific request of ${entry.name}, for example req_8f2k1xq. Leave out to end your own active grant.`,
      },
    ],
    mermaid: REVOKE_DIAGRAM,
  };
}

/** Joins sentences, shortening the first (the config's own description) so the whole fits Kubiya's limit. */
function describe(first: string, ...rest: string[]): string {
  const tail = ` ${rest.join(' ')}`;
  const room = MAX_DESCRIPTION - tail.length;
  const head = first.length > room ? `${first.slice(0, room - 1)}…` : first;
  return `${head}${tail}`;
}

/** A duration the core's parser reads back: the largest whole unit. */
function shortDuration(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
