import type { ErrorObject } from 'ajv';

/**
 * Turns ajv's errors into lines that name the key to fix, such as
 * `tools[0].max_ttl: must match the duration format (30m, 1h, PT1H)`.
 */
export function describeAjvErrors(errors: readonly ErrorObject[] | null | undefined, limit = 5): string[] {
  const lines: string[] = [];
  for (const error of errors ?? []) {
    // anyOf/if wrappers repeat what their branches already said.
    if (error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const at = pointerToPath(error.instancePath) || '(top level)';
    lines.push(`${at}: ${explain(error)}`);
    if (lines.length >= limit) break;
  }
  return [...new Set(lines)];
}

function explain(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key "${String(params.additionalProperty)}"`;
    case 'required':
      return `missing required key "${String(params.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return error.schemaPath.includes('duration') || /\[smhdw\]/.test(String(params.pattern)) ? 'must be a duration such as 30m, 1h, 2d or PT1H' : `must match ${String(params.pattern)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** `/tools/0/max_ttl` → `tools[0].max_ttl`. */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}
