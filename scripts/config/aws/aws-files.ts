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
  approvals?: { required?: number; each_group?: boolean };
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
  approvals?: { required?: number; each_group?: boolean };
}

/** Entries written inline in the config instead of a file, and how errors name them. */
export interface InlineEntries {
  data: unknown;
  /** e.g. `JIT_CONFIG_JSON (…): aws.s3_configs`. */
  label: string;
}

/**
 * Reads and validates `access_configs.json`, or the same entries given inline; a missing file is no entries,
 * a bad one a ConfigError.
 */
export async function loadAccessConfigs(configDir: string, file: string, inline?: InlineEntries): Promise<{ path: string; entries: Record<string, AccessConfig> }> {
  return loadKeyedFile<AccessConfig>(configDir, file, accessConfigsSchema, inline);
}

/** Reads and validates `s3_configs.json`, or the same entries given inline (see {@link loadAccessConfigs}). */
export async function loadS3Configs(configDir: string, file: string, inline?: InlineEntries): Promise<{ path: string; entries: Record<string, S3Config> }> {
  return loadKeyedFile<S3Config>(configDir, file, s3ConfigsSchema, inline);
}

const entryLabel = ([entry, ...rest]: string[]) => ({ ...(entry !== undefined ? { entry: JSON.stringify(entry) } : {}), field: fieldPath(rest) });

async function loadKeyedFile<T>(configDir: string, file: string, schema: object, inline?: InlineEntries): Promise<{ path: string; entries: Record<string, T> }> {
  if (inline) {
    assertValid(await compile(schema), inline.data, inline.label, entryLabel);
    return { path: inline.label, entries: inline.data as Record<string, T> };
  }
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
  assertValid(await compile(schema), data, path, entryLabel);
  return { path, entries: data as Record<string, T> };
}
