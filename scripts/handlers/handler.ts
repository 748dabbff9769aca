import type { AppContext } from '../app/app-context.js';

/** The arguments a tool was called with, by name; absent means not given. */
export type ToolArgs = Record<string, string | undefined>;

/** What a command prints: text a teammate can relay as it is, and the same result as data for `--output json`. */
export interface CommandResult {
  human: string;
  json: Record<string, unknown>;
  /** Non-zero when the command ran but the outcome is a failure (a sweep that could not revoke something). */
  exitCode?: number;
  /** Already reported as a log line on stdout (the worker as a service): print nothing more. */
  quiet?: boolean;
}

/** One tool's handler: its argument names (the Kubiya tool's args) and what it does. */
export interface ToolHandler {
  name: string;
  args: readonly string[];
  /**
   * `create` when running the tool may create the database (it files a request or sweeps); every other tool
   * only reads or changes requests that exist, so it opens an existing database and says so when there is none.
   */
  database?: 'create';
  run(ctx: AppContext, args: ToolArgs): Promise<CommandResult>;
}
