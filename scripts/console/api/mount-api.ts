import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import { ValidationError } from '../../core/errors.js';
import type { ToolArgs } from '../../handlers/handler.js';
import { requireCaller } from '../server/auth-middleware.js';
import type { ConsoleSettings } from '../server/console-settings.js';
import type { ConsoleEnv } from '../server/hono-env.js';
import type { ApiRoute } from './api-route.js';

const ANONYMOUS = { email: 'anonymous', via: 'token', expiresAt: 0 } as const;

/** Registers each route of the table on the app: its credential check, input parsing, and answer. */
export function mountApi(app: Hono<ConsoleEnv>, routes: readonly ApiRoute[], ctx: AppContext, settings: ConsoleSettings): void {
  for (const route of routes) {
    const path = route.path.replace(/\{(\w+)\}/g, ':$1');
    app.on(route.method.toUpperCase(), path, async (c) => {
      // Public routes (health, the OpenAPI document) never read the caller.
      const caller = route.public ? ANONYMOUS : requireCaller(c);
      const args = await readArgs(c, route);
      const answer = await route.run({ ctx: ctx.actingAs(caller.email), caller, args, settings });
      if ('json' in answer) return c.json(answer.json, answer.status as 200);
      return c.body(answer.text, answer.status as 200, { 'content-type': `${answer.contentType}; charset=utf-8` });
    });
  }
}

/**
 * A route's arguments as the tools take them (strings by name), from the path, the query and a JSON body,
 * checked against the route's schemas. A JSON object given for `tool_params` is passed on as its text.
 */
async function readArgs(c: Context<ConsoleEnv>, route: ApiRoute): Promise<ToolArgs> {
  const args: ToolArgs = {};
  const take = (where: string, schema: z.ZodObject | undefined, values: Record<string, unknown>) => {
    if (!schema) return;
    const known = Object.keys(schema.shape);
    const unknown = Object.keys(values).filter((key) => !known.includes(key));
    if (unknown.length) {
      throw new ValidationError('http.unknown_field', `${where} has no field ${unknown.slice(0, 3).join(', ')}. Its fields: ${known.join(', ') || 'none'}.`);
    }
    const parsed = schema.safeParse(values);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ValidationError('http.invalid_field', `${where} field ${issue.path.join('.') || '(top level)'}: ${issue.message}.`);
    }
    for (const [key, value] of Object.entries(parsed.data as Record<string, unknown>)) {
      if (value === undefined) continue;
      args[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  };
  take('The path', route.pathParams, c.req.param() as Record<string, string>);
  take('The query', route.query, c.req.query());
  if (route.body) take('The body', route.body, await jsonBody(c));
  return args;
}

async function jsonBody(c: Context<ConsoleEnv>): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new ValidationError('http.unsupported_body', 'Send the body as JSON with Content-Type: application/json.');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ValidationError('http.invalid_json', 'The body is not valid JSON.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('http.invalid_json', 'The body must be a JSON object.');
  return body as Record<string, unknown>;
}
