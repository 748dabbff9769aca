import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { describeAjvErrors } from './ajv-errors.js';
import type { JitConfigFile, LoadedConfig } from './jit-config.js';
import { jitConfigSchema } from './jit-config-schema.js';

/** The package root (where `configs/` lives), from this file's place in `dist/scripts/config/`. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

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

async function validateConfig(data: unknown, path: string): Promise<void> {
  const { Ajv } = await import('ajv');
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(jitConfigSchema);
  if (!validate(data)) {
    throw new ConfigError(`${path}: ${describeAjvErrors(validate.errors).join('; ')}`, { path });
  }
}
