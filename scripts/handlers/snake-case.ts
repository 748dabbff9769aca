/**
 * Every JSON document the CLI prints names its keys in snake_case (`request_id`, `timed_out`), like Kubiya's
 * own tool model. Domain objects are camelCase inside the code; this renames the keys of a report on its
 * way out. Only for the package's own data: a value that holds someone else's keys (tool parameters, a
 * policy document) must be mapped by hand instead, because its keys are not ours to rename.
 */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [snakeCase(key), snakeCaseKeys(inner)]));
}

/** `timedOut` → `timed_out`, `headHash` → `head_hash`; snake_case keys stay as they are. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
