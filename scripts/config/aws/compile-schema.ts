import type { ErrorObject } from 'ajv';

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const cache = new Map<object, Validator>();

/** Compiles a JSON Schema with ajv (loaded on first use), once per schema object. */
export async function compile(schema: object): Promise<Validator> {
  const hit = cache.get(schema);
  if (hit) return hit;
  const { Ajv } = await import('ajv');
  const validator = new Ajv({ allErrors: true, strict: false }).compile(schema) as Validator;
  cache.set(schema, validator);
  return validator;
}
