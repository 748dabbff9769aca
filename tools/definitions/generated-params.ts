/**
 * Maps a catalog entry's parameter schema (JSON Schema, `type: object`) to one Kubiya arg per property, and
 * the args' string values back to `tool_params`. The CLI uses {@link toolParamsFromArgs} for dedicated
 * request tools, so the naming rule lives in one place.
 */
import type { CatalogEntry } from '../../scripts/core/catalog.js';
import { ConfigError, ValidationError } from '../../scripts/core/errors.js';
import type { Json } from '../../scripts/core/types.js';
import { ARG_NAME, MAX_DESCRIPTION, type ArgInput } from '../model.js';

/** Arg names a dedicated request tool uses itself; a parameter of the same name gets a `param_` prefix. */
export const DEDICATED_REQUEST_ARGS = ['ttl', 'justification', 'user_email'] as const;

interface ParamProperty {
  property: string;
  arg: string;
  schema: Record<string, Json>;
  required: boolean;
}

/** The Kubiya arg that carries parameter `property` of a dedicated request tool. */
export function paramArgName(property: string): string {
  return (DEDICATED_REQUEST_ARGS as readonly string[]).includes(property) ? `param_${property}` : property;
}

/** One Kubiya arg per property of the entry's parameter schema, in the schema's order. */
export function paramArgs(entry: CatalogEntry): ArgInput[] {
  return paramProperties(entry).map(({ property, arg, schema, required }) => {
    const type = jsonType(schema);
    const list = isStringList(schema);
    const options = Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string') ? (schema.enum as string[]) : undefined;
    const hint = ['string', 'integer', 'number', 'boolean'].includes(type) || list ? '' : ' Give it as JSON.';
    const text = typeof schema.description === 'string' ? schema.description : `The ${property} parameter of ${entry.name}.`;
    const fallback = schema.default;
    return {
      name: arg,
      type: list ? 'array' : type === 'integer' ? 'int' : type === 'number' ? 'float' : type === 'boolean' ? 'bool' : 'str',
      required,
      description: clip(`${text}${hint}`),
      ...(options ? { options } : {}),
      ...(fallback !== undefined && fallback !== null && typeof fallback !== 'object' ? { default: String(fallback) } : {}),
    };
  });
}

/**
 * Builds `tool_params` from a dedicated request tool's arg values (absent args are left out), converting
 * each value by its property's JSON type. Throws a {@link ValidationError} naming the arg when a value does
 * not convert; the entry's own `validateParams` still checks the result afterwards.
 */
export function toolParamsFromArgs(entry: CatalogEntry, values: Record<string, string | undefined>): Record<string, Json> {
  const params: Record<string, Json> = {};
  for (const { property, arg, schema } of paramProperties(entry)) {
    const value = values[arg];
    if (value === undefined) continue;
    params[property] = isStringList(schema) ? convertList(value, arg) : convert(value, jsonType(schema), arg);
  }
  return params;
}

function paramProperties(entry: CatalogEntry): ParamProperty[] {
  const schema = entry.paramsSchema;
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required = Array.isArray(schema.required) ? schema.required.filter((v): v is string => typeof v === 'string') : [];
  return Object.entries(schema.properties).map(([property, value]) => {
    const arg = paramArgName(property);
    if (!ARG_NAME.test(arg)) {
      throw new ConfigError(
        `Parameter "${property}" of ${entry.name} cannot become a tool arg: use letters, digits and _ only, starting with a letter or _.`,
        { entry: entry.name, property },
      );
    }
    return { property, arg, schema: isObject(value) ? value : {}, required: required.includes(property) };
  });
}

function convert(value: string, type: string, arg: string): Json {
  if (type === 'string') return value;
  if (type === 'integer' || type === 'number') {
    const number = Number(value.trim());
    if (value.trim() !== '' && Number.isFinite(number) && (type === 'number' || Number.isInteger(number))) return number;
    throw new ValidationError('request.invalid_param', `${arg} must be ${type === 'integer' ? 'a whole number' : 'a number'}, got "${clip(value, 40)}".`, { arg });
  }
  if (type === 'boolean') {
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === 'false') return text === 'true';
    throw new ValidationError('request.invalid_param', `${arg} must be true or false, got "${clip(value, 40)}".`, { arg });
  }
  try {
    return JSON.parse(value) as Json;
  } catch {
    throw new ValidationError('request.invalid_param', `${arg} must be JSON, for example ["a", "b"] or {"key": "value"}.`, { arg });
  }
}

/**
 * A list of strings that asks to be a Kubiya `array` arg (`x-kubiya-arg: array`, as the Kubernetes entries'
 * `namespaces`); other lists stay JSON text, as the config's own tools have always had them.
 */
function isStringList(schema: Record<string, Json>): boolean {
  return schema['x-kubiya-arg'] === 'array' && schema.type === 'array' && isObject(schema.items) && schema.items.type === 'string';
}

/**
 * A list arg's value: a JSON array, or Go's rendering of a list (`[a b]`, what Kubiya's template prints for an
 * `array` arg), or names separated by commas. Items are kept as given; the entry's own checks judge them.
 */
function convertList(value: string, arg: string): Json {
  const text = value.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed = JSON.parse(text) as Json;
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
    } catch {
      const inner = text.slice(1, -1).trim();
      return inner === '' ? [] : inner.split(/[\s,]+/).filter(Boolean);
    }
    throw new ValidationError('request.invalid_param', `${arg} must be a list of names, for example ["a", "b"].`, { arg });
  }
  return text === '' ? [] : text.split(/\s*,\s*/);
}

function jsonType(schema: Record<string, Json>): string {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) return 'string';
  return 'json';
}

function isObject(value: Json | undefined): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clip(text: string, max = MAX_DESCRIPTION): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
