import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { accessConfigsSchema, s3ConfigsSchema } from './aws-schemas.js';
import { compile } from './compile-schema.js';
import { assertValid, fieldPath } from './validate-json.js';

/** One entry of `access_configs.json`. */
export interface AccessConfig {
  name: string;
  description: string;
  account_id: string;
  permission_set: string;
  session_duration: string;
  approver_groups?: string[];
  /** When the permission set's sessions last longer than `session_duration`: refuse (default) or lower them. */
  long_sessions?: 'refuse' | 'cap';
}

/** One entry of `s3_configs.json`. */
export interface S3Config {
  name: string;
  description: string;
  buckets: string[];
  policy_template: 'S3ReadOnlyPolicy' | 'S3FullAccessPolicy';
  session_duration: string;
  approver_groups?: string[];
}

/** Reads and validates `access_configs.json`; a missing file is no entries, a bad one a ConfigError. */
export async function loadAccessConfigs(configDir: string, file: string): Promise<{ path: string; entries: Record<string, AccessConfig> }> {
  return loadKeyedFile<AccessConfig>(configDir, file, accessConfigsSchema);
}

/** Reads and validates `s3_configs.json`; a missing file is no entries, a bad one a ConfigError. */
export async function loadS3Configs(configDir: string, file: string): Promise<{ path: string; entries: Record<string, S3Config> }> {
  return loadKeyedFile<S3Config>(configDir, file, s3ConfigsSchema);
}

async function loadKeyedFile<T>(configDir: string, file: string, schema: object): Promise<{ path: string; entries: Record<string, T> }> {
  const path = isAbsolute(file) ? file : join(configDir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path, entries: {} };
    throw new ConfigError(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, { path });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: is not valid JSON (${(err as Error).message}).`, { path });
  }
  assertValid(await compile(schema), data, path, ([entry, ...rest]) => ({ ...(entry !== undefined ? { entry: JSON.stringify(entry) } : {}), field: fieldPath(rest) }));
  return { path, entries: data as Record<string, T> };
}
