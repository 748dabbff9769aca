import type { AppContext } from '../../app/app-context.js';
import type { ToolArgs } from '../../handlers/handler.js';
import { STATIC_HANDLERS } from '../../handlers/registry.js';
import type { ConsoleSettings } from '../server/console-settings.js';
import type { SafeHtml } from './html.js';
import type { PageContext } from './layout.js';

/** What a view renders from: the context acting as the viewer, who they are, and the page's query. */
export interface ViewInput {
  ctx: AppContext;
  page: PageContext;
  query: Record<string, string>;
  settings: ConsoleSettings;
}

/** A page whose body can be rendered again when the store changes (the live pages follow it over SSE). */
export interface View {
  name: string;
  render(input: ViewInput): Promise<{ title: string; body: SafeHtml }>;
}

/** Runs a tool's handler as the viewer and returns its JSON, as the API would. */
export async function toolJson(ctx: AppContext, tool: string, args: ToolArgs): Promise<Record<string, unknown>> {
  const handler = STATIC_HANDLERS.get(tool);
  if (!handler) throw new Error(`no handler ${tool}`);
  return (await handler.run(ctx, args)).json;
}

/** The query's value, trimmed, or undefined when empty. */
export function param(query: Record<string, string>, name: string): string | undefined {
  const value = query[name]?.trim();
  return value ? value : undefined;
}
