import { z } from 'zod';
import { findStaticTool } from '../../../tools/definitions/index.js';

/** Where an argument comes from in an HTTP call. */
export type ArgPlace = 'path' | 'query' | 'body';

/**
 * The input schema of an API route, built from the Kubiya tool it does the same as: the same argument names
 * and descriptions, so the OpenAPI document and the tools cannot drift apart. Every argument is a string, as
 * the tools receive them; the use case behind validates the values (with the same errors as the tool).
 * `skip` leaves out arguments the route takes from elsewhere (the request id in the path); `optional` relaxes
 * ones the API can default (the requester is the caller unless named).
 */
export function toolArgsSchema(tool: string, options: { skip?: string[]; optional?: string[]; extra?: Record<string, z.ZodType> } = {}): z.ZodObject {
  const definition = findStaticTool(tool);
  if (!definition) throw new Error(`no static tool ${tool}`);
  const shape: Record<string, z.ZodType> = {};
  for (const arg of definition.args) {
    if (options.skip?.includes(arg.name)) continue;
    let schema: z.ZodType = arg.options ? z.enum(arg.options as [string, ...string[]]) : z.string();
    schema = schema.describe(arg.description);
    shape[arg.name] = arg.required && !options.optional?.includes(arg.name) ? schema : schema.optional();
  }
  return z.object({ ...shape, ...options.extra });
}

/** A JSON object as `tool_params`, or its text (the tools take it as text); the API accepts either. */
export const toolParamsInput = z
  .union([z.record(z.string(), z.unknown()), z.string()])
  .describe('The tool\'s parameters as a JSON object (or its JSON text), checked against the entry\'s parameter schema; {} when it has none.');
