import { createRequire } from 'node:module';
import type * as AjvModule from 'ajv';
import type { CatalogEntry, ParamIssue } from '../core/catalog.js';
import { parseDuration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import type { Json } from '../core/types.js';
import { pointerToPath } from './ajv-errors.js';
import type { LoadedConfig, ToolConfig } from './jit-config.js';

const requireFromHere = createRequire(import.meta.url);
const FALLBACK_MAX_TTL = 8 * 3600;
const FALLBACK_DEFAULT_TTL = 3600;

/** The TTL limits every entry falls back to, from the config's `defaults`. */
export function ttlDefaults(config: LoadedConfig): { maxTtlSeconds: number; defaultTtlSeconds: number } {
  const d = config.file.defaults;
  return {
    maxTtlSeconds: d?.max_ttl ? parseDuration(d.max_ttl, 'defaults.max_ttl') : FALLBACK_MAX_TTL,
    defaultTtlSeconds: d?.default_ttl ? parseDuration(d.default_ttl, 'defaults.default_ttl') : FALLBACK_DEFAULT_TTL,
  };
}

/**
 * Catalog entries for the Kubiya tools in the config's `tools` list, granted through the Enforcer. Each
 * tool's `parameters` JSON Schema is compiled only when a request is validated, so other commands stay fast.
 */
export function buildToolEntries(config: LoadedConfig): CatalogEntry[] {
  const defaults = ttlDefaults(config);
  return (config.file.tools ?? []).map((tool, index) => toolEntry(config, tool, index, defaults));
}

function toolEntry(config: LoadedConfig, tool: ToolConfig, index: number, defaults: { maxTtlSeconds: number; defaultTtlSeconds: number }): CatalogEntry {
  const where = `${config.path}: tools[${index}] (${tool.name})`;
  const maxTtlSeconds = tool.max_ttl ? parseDuration(tool.max_ttl, `${where}.max_ttl`) : defaults.maxTtlSeconds;
  const explicitDefault = tool.default_ttl ? parseDuration(tool.default_ttl, `${where}.default_ttl`) : undefined;
  if (explicitDefault !== undefined && explicitDefault > maxTtlSeconds) {
    throw new ConfigError(`${where}: default_ttl ${tool.default_ttl} is longer than its max_ttl; lower default_ttl or raise max_ttl.`);
  }
  // A tool with a short maximum gets the global default cut down to fit rather than an error.
  const defaultTtlSeconds = explicitDefault ?? Math.min(defaults.defaultTtlSeconds, maxTtlSeconds);
  const schema = (tool.parameters ?? { type: 'object', additionalProperties: false, properties: {} }) as Json;
  let validator: ((params: Record<string, Json>) => ParamIssue[]) | undefined;
  return {
    name: tool.name,
    description: tool.description,
    provider: 'enforcer',
    settings: {},
    maxTtlSeconds,
    defaultTtlSeconds,
    approverGroups: tool.approver_groups,
    requesterGroups: tool.requester_groups,
    ...(tool.approvals?.required ? { approvalsRequired: tool.approvals.required } : {}),
    ...(tool.approvals?.each_group ? { approvalsEachGroup: true } : {}),
    paramsSchema: schema,
    validateParams(params) {
      validator ??= compileParams(schema, where);
      return validator(params);
    },
  };
}

/** Compiles a tool's parameter schema into a checker returning issues with JSON-pointer-like paths. */
export function compileParams(schema: Json, where: string): (params: Record<string, Json>) => ParamIssue[] {
  // Required lazily and synchronously: only request validation needs ajv here.
  const { Ajv } = requireFromHere('ajv') as typeof AjvModule;
  const ajv = new Ajv({ allErrors: true, strict: false });
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema as object);
  } catch (err) {
    throw new ConfigError(`${where}.parameters is not a valid JSON Schema: ${err instanceof Error ? err.message : String(err)}`);
  }
  return (params) => {
    if (validate(params)) return [];
    return (validate.errors ?? []).map((error) => ({
      path: pointerToPath(error.instancePath) || (error.params as { missingProperty?: string }).missingProperty || '',
      message:
        error.keyword === 'additionalProperties'
          ? `has an unknown parameter "${String((error.params as { additionalProperty?: string }).additionalProperty)}"`
          : error.keyword === 'enum'
            ? `must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`
            : (error.message ?? 'is invalid'),
    }));
  };
}
