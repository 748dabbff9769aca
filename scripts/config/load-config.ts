import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { describeAjvErrors } from './ajv-errors.js';
import type { JitConfigFile, LoadedConfig } from './jit-config.js';
import { jitConfigSchema } from './jit-config-schema.js';
import type { ErrorObject } from 'ajv';

/** The package root (where `configs/` lives): the nearest folder above this file with a package.json. */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** The embedded default config, used when `JIT_CONFIG` is not set. */
export const DEFAULT_CONFIG_PATH = resolve(PACKAGE_ROOT, 'configs', 'jit.yaml');

/**
 * Reads and validates the config file named by `JIT_CONFIG` (or the embedded default). YAML or JSON by the
 * file's extension. Every problem is a ConfigError naming the file and the key.
 */
export async function loadConfig(env: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  const path = resolve(env.JIT_CONFIG?.trim() || DEFAULT_CONFIG_PATH);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`Cannot read the config file ${path}. Set JIT_CONFIG to the path of your jit.yaml or jit.json.`, { path });
  }
  const data = await parseConfigText(text, path);
  await validateConfig(data, path);
  return { file: data as JitConfigFile, path, dir: dirname(path) };
}

async function parseConfigText(text: string, path: string): Promise<unknown> {
  const isJson = extname(path).toLowerCase() === '.json';
  try {
    if (isJson) return JSON.parse(text);
    // Loaded only for YAML files: the bundled config is JSON, so tool runs never pay for the YAML parser.
    const { parse } = await import('yaml');
    return parse(text) ?? {};
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(`${path} is not valid ${isJson ? 'JSON' : 'YAML'}: ${reason}`, { path });
  }
}

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

async function validateConfig(data: unknown, path: string): Promise<void> {
  const validate = await loadValidator();
  if (!validate(data)) {
    throw new ConfigError(`${path}: ${describeAjvErrors(validate.errors).join('; ')}`, { path });
  }
}

/**
 * The build's precompiled validator (build-validator.ts) when present, else ajv compiling the schema now (when
 * running from source, as the tests do). Both apply the same schema.
 */
async function loadValidator(): Promise<Validator> {
  try {
    const generated = (await import(/* @vite-ignore */ GENERATED_PATH)) as { validate: Validator };
    return generated.validate;
  } catch {
    const { Ajv } = await import('ajv');
    return new Ajv({ allErrors: true, strict: false }).compile(jitConfigSchema) as Validator;
  }
}

const GENERATED_PATH = './jit-config-validate.generated.js';

// The compiled file sits in dist/scripts/config and the source in scripts/config; both must find the same root.
function findPackageRoot(from: string): string {
  let dir = from;
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(from, '..', '..');
    dir = parent;
  }
  return dir;
}
