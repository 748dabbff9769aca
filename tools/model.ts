/**
 * A typed model of Kubiya's tool format (KUBIYA.md §1–2), with Kubiya's snake_case field names and rules.
 * Every tool the bundle writer emits is parsed through these schemas, so a tool Kubiya would refuse (a
 * description over 1024 characters, an unknown arg type, two args of one name) fails at bundle time here.
 */
import { z } from 'zod';

/** Kubiya refuses descriptions longer than this, for tools and for args alike. */
export const MAX_DESCRIPTION = 1024;

/**
 * Tool names: the LLM calls a tool by it, and function-calling APIs accept `[A-Za-z0-9_-]{1,64}`; we also
 * require a leading letter so a name can never look like a CLI flag (`-x`) where the CLI receives it.
 */
export const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Arg names appear in `{{ .name }}`, and Go templates only resolve identifiers there: no hyphens. */
export const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Environment variable and secret names, as Kubiya passes them through. */
export const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** The arg types Kubiya knows. */
export const ARG_TYPES = ['str', 'array', 'bool', 'int', 'float'] as const;

const description = z.string().min(1, 'a description is required').max(MAX_DESCRIPTION, `at most ${MAX_DESCRIPTION} characters`);
const absolutePath = z.string().regex(/^\/[^\0]*$/, 'an absolute path');

/** One argument of a tool: what the LLM fills in and Kubiya substitutes into `content`. */
export const ArgSchema = z
  .strictObject({
    name: z.string().regex(ARG_NAME, 'a Go template identifier such as request_id'),
    type: z.enum(ARG_TYPES).default('str'),
    description,
    required: z.boolean().default(false),
    default: z.string().optional(),
    options: z.array(z.string().min(1)).min(1).optional(),
    options_from: z.strictObject({ image: z.string().min(1), content: z.string().min(1) }).optional(),
  })
  .superRefine((arg, ctx) => {
    if (arg.options && new Set(arg.options).size !== arg.options.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `arg ${arg.name} lists an option twice` });
    }
    if (arg.options && arg.default !== undefined && !arg.options.includes(arg.default)) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: `arg ${arg.name}: default "${arg.default}" is not one of its options` });
    }
  });

/** A file placed into the tool's container: inline `content` or a `source` to copy, at `destination`. */
export const FileSpecSchema = z
  .strictObject({
    source: z.string().min(1).optional(),
    destination: absolutePath,
    content: z.string().optional(),
  })
  .refine((file) => file.source !== undefined || file.content !== undefined, {
    message: 'a file needs a source or a content',
  });

/** A named volume that persists across tool runs, mounted at `path`. */
export const VolumeSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a lowercase DNS-style name such as kubiya-jit-data'),
  path: absolutePath,
});

/** One Kubiya tool, as it appears in `kubiya_bundle.json`. */
export const ToolSchema = z
  .strictObject({
    name: z.string().regex(TOOL_NAME, 'letters, digits, _ and -, starting with a letter, at most 64'),
    alias: z.string().optional(),
    description,
    type: z.enum(['docker', 'python', 'golang']).default('docker'),
    image: z.string().min(1).optional(),
    content: z.string().min(1).optional(),
    args: z.array(ArgSchema).default([]),
    env: z.array(z.string().regex(ENV_NAME)).default([]),
    secrets: z.array(z.string().regex(ENV_NAME)).default([]),
    with_files: z.array(FileSpecSchema).default([]),
    with_volumes: z.array(VolumeSchema).default([]),
    long_running: z.boolean().default(false),
    mermaid: z.string().optional(),
    icon_url: z.url().optional(),
  })
  .superRefine((tool, ctx) => {
    if (tool.type === 'docker' && !tool.image) {
      ctx.addIssue({ code: 'custom', path: ['image'], message: `tool ${tool.name} is a docker tool and needs an image` });
    }
    if (tool.type === 'docker' && !tool.content) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: `tool ${tool.name} is a docker tool and needs a content script` });
    }
    reportDuplicates(ctx, tool.args.map((arg) => arg.name), 'args', `tool ${tool.name} has two args named`);
    reportDuplicates(ctx, tool.with_volumes.map((volume) => volume.name), 'with_volumes', `tool ${tool.name} mounts two volumes named`);
    reportDuplicates(ctx, tool.with_files.map((file) => file.destination), 'with_files', `tool ${tool.name} writes two files to`);
  });

/** One problem Kubiya's discovery reports beside the tools. */
export const DiscoveryErrorSchema = z.strictObject({
  file: z.string(),
  error: z.string(),
  error_type: z.string(),
  suggestion: z.string().default(''),
});

/** The whole `kubiya_bundle.json`: the tools, discovery errors, and the bundle format's version. */
export const BundleSchema = z
  .strictObject({
    tools: z.array(ToolSchema).min(1),
    errors: z.array(DiscoveryErrorSchema).default([]),
    python_bundle_version: z.string().min(1),
  })
  .superRefine((bundle, ctx) => {
    reportDuplicates(ctx, bundle.tools.map((tool) => tool.name), 'tools', 'two tools are named');
  });

/** An arg as written in a definition (defaults may be left out). */
export type ArgInput = z.input<typeof ArgSchema>;
/** An arg after parsing: `type` and `required` are always present. */
export type Arg = z.output<typeof ArgSchema>;
export type FileSpec = z.output<typeof FileSpecSchema>;
/** A file spec as written before parsing. */
export type FileSpecInput = z.input<typeof FileSpecSchema>;
export type Volume = z.output<typeof VolumeSchema>;
/** A tool as written before parsing. */
export type ToolInput = z.input<typeof ToolSchema>;
/** A tool after parsing, every defaulted field filled in. */
export type Tool = z.output<typeof ToolSchema>;
export type DiscoveryError = z.output<typeof DiscoveryErrorSchema>;
export type Bundle = z.output<typeof BundleSchema>;

function reportDuplicates(ctx: z.RefinementCtx, names: string[], path: string, message: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [path], message: `${message} "${name}"` });
    seen.add(name);
  }
}
