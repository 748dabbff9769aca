/**
 * The shape of a static tool definition: the parts of a Kubiya tool that are about meaning (name, what the
 * LLM reads, args, diagram). The bundle writer adds the parts that are about running it (image, content,
 * env, secrets, files, volumes), the same for every tool.
 */
import { z } from 'zod';
import { ArgSchema, MAX_DESCRIPTION, TOOL_NAME } from '../model.js';

/** Validates a static tool definition; the registry test uses it to find definitions in files. */
export const ToolDefinitionSchema = z.strictObject({
  name: z.string().regex(TOOL_NAME),
  description: z.string().min(1).max(MAX_DESCRIPTION),
  args: z.array(ArgSchema),
  mermaid: z.string().min(1),
});

/** A static tool definition as written in tools/definitions. */
export type ToolDefinition = z.input<typeof ToolDefinitionSchema>;

/** Declares a static tool definition; exists so each definition file reads the same and is type-checked. */
export function defineTool(definition: ToolDefinition): ToolDefinition {
  return definition;
}
