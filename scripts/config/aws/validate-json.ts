import type { ErrorObject } from 'ajv';
import { ConfigError } from '../../core/errors.js';
import { pointerToPath } from '../ajv-errors.js';

/** What a field must look like, said in words, for the patterns the AWS schemas use. */
const HINTS: Record<string, string> = {
  account_id: 'must be a 12-digit AWS account id',
  aws_account_id: 'must be a 12-digit AWS account id',
  session_duration: 'must be an ISO 8601 duration such as PT1H',
  policy_name: 'must be an IAM policy name (letters, digits and +=,.@-_, at most 128)',
  permission_set: 'must be a permission set name (letters, digits and +=,.@-_, at most 32)',
  role_name: 'must be an IAM role name (letters, digits and +=,.@-_, at most 64)',
  buckets: 'must be S3 bucket names (lowercase letters, digits, dots and hyphens, 3–63)',
};

/**
 * Validates `data` with the compiled ajv schema; on failure throws a {@link ConfigError} naming the file,
 * the entry and the field of each problem, e.g. `configs/s3_configs.json: entry "Data Lake", field
 * policy_template: must be one of "S3ReadOnlyPolicy", "S3FullAccessPolicy"`.
 */
export function assertValid(
  validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null },
  data: unknown,
  file: string,
  entryLabel: (pointer: string[]) => { entry?: string; field: string },
): void {
  if (validate(data)) return;
  const problems = [...new Set((validate.errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf').map((error) => describe(error, entryLabel)))].slice(0, 5);
  throw new ConfigError(`${file}: ${problems.join('; ')}`, { file, problems });
}

function describe(error: ErrorObject, entryLabel: (pointer: string[]) => { entry?: string; field: string }): string {
  const parts = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  let extra = '';
  if (error.keyword === 'additionalProperties') extra = String(params.additionalProperty);
  if (error.keyword === 'required') extra = String(params.missingProperty);
  const { entry, field } = entryLabel(extra ? [...parts, extra] : parts);
  const where = `${entry ? `entry ${entry}, ` : ''}field ${field || '(top level)'}`;
  return `${where}: ${explain(error, field)}`;
}

function explain(error: ErrorObject, field: string): string {
  const params = error.params as Record<string, unknown>;
  const last = field.split(/[.[\]]/).filter(Boolean).find((part) => HINTS[part]) ?? '';
  switch (error.keyword) {
    case 'additionalProperties':
      return 'is not a known field (check its spelling)';
    case 'required':
      return 'is missing';
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return HINTS[last] ?? `must match ${String(params.pattern)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** `["Name", "buckets", "0"]` → `buckets[0]` (the part after the entry). */
export function fieldPath(parts: string[]): string {
  return pointerToPath(parts.length ? `/${parts.join('/')}` : '');
}
