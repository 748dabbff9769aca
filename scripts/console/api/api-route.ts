import type { z } from 'zod';
import type { AppContext } from '../../app/app-context.js';
import type { ToolArgs } from '../../handlers/handler.js';
import type { ConsoleSettings } from '../server/console-settings.js';

/** Who a call acts as: the signed-in person or the owner of the API token. */
export interface Caller {
  email: string;
  via: 'session' | 'token';
  expiresAt: number;
}

/** What a route's `run` receives: the context acting as the caller, and the call's arguments as the tools take them. */
export interface ApiCall {
  ctx: AppContext;
  caller: Caller;
  args: ToolArgs;
  settings: ConsoleSettings;
}

/** A route's answer: JSON with a status, or text of another type (JSON Lines). */
export type ApiAnswer = { status: number; json: Record<string, unknown> } | { status: number; text: string; contentType: string };

/** One route of the HTTP API, declared once: the server mounts it and the OpenAPI document describes it. */
export interface ApiRoute {
  method: 'get' | 'post';
  /** OpenAPI form: `/api/v1/requests/{request_id}`. */
  path: string;
  operationId: string;
  summary: string;
  /** The Kubiya tool or CLI command it does the same as, for the description. */
  sameAs?: string;
  pathParams?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodObject;
  /** Success responses by status. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  /** Public (no credential): health and the OpenAPI document. */
  public?: boolean;
  run(call: ApiCall): Promise<ApiAnswer>;
}
