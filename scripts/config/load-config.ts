import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { describeAjvErrors } from './ajv-errors.js';
import { decodeConfigPackage, isConfigPackage } from './config-package.js';
import type { JitConfigFile, LoadedConfig } from './jit-config.js';
import { jitConfigSchema } from './jit-config-schema.js';
import type { ErrorObject } from 'ajv';

/** The package root (where `configs/` lives): the nearest folder above this file with a package.json. */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** The embedded default config, used when `JIT_CONFIG` is not set. */
export const DEFAULT_CONFIG_PATH = resolve(PACKAGE_ROOT, 'configs', 'jit.yaml');

/** How errors name a config that came from the `JIT_CONFIG_JSON` variable. */
export const ENV_CONFIG_LABEL = 'JIT_CONFIG_JSON (the config from the environment)';

/**
 * Loads and validates the config, from the first of: the `JIT_CONFIG_JSON` variable (the whole config as one
 * JSON object, set on the teammate as an env var or a secret), the file named by `JIT_CONFIG` (YAML, JSON, or
 * the package a bundle tool carries), the embedded default. Every source goes through the same schema, so a
 * key added to it works from each; every problem is a ConfigError naming the source and the key.
 */
export async function loadConfig(env: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  const inline = env.JIT_CONFIG_JSON;
  if (inline !== undefined && inline.trim() !== '') return loadEnvConfig(inline, env);
  const path = configPath(env);
  const text = readConfigFile(path);
  if (isConfigPackage(text)) {
    const pkg = decodeConfigPackage(text, path);
    await validateConfig(pkg.config, path);
    return { file: pkg.config, path, dir: dirname(path), origin: 'bundle', documents: () => Promise.resolve(pkg.knowledge ?? {}) };
  }
  const data = await parseConfigText(text, path);
  await validateConfig(data, path);
  return { file: data as JitConfigFile, path, dir: dirname(path), origin: 'file' };
}

async function loadEnvConfig(text: string, env: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ConfigError(`JIT_CONFIG_JSON is not valid JSON (${reason}). Set it to the whole config as one JSON object (Terraform: jsonencode of the config), or unset it to use the config the bundle carries.`, {
      variable: 'JIT_CONFIG_JSON',
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError('JIT_CONFIG_JSON must hold a JSON object: the config, with the keys of configs/jit.yaml.', { variable: 'JIT_CONFIG_JSON' });
  }
  await validateConfig(data, ENV_CONFIG_LABEL);
  // In a bundle tool JIT_CONFIG names the bundle's package: its knowledge documents are the fallback.
  const bundled = env.JIT_CONFIG?.trim() ? resolve(env.JIT_CONFIG.trim()) : undefined;
  return {
    file: data as JitConfigFile,
    path: ENV_CONFIG_LABEL,
    dir: bundled ? dirname(bundled) : process.cwd(),
    origin: 'env',
    ...(bundled ? { documents: () => Promise.resolve(bundledDocuments(bundled)) } : {}),
  };
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`Cannot read the config file ${path}. Set JIT_CONFIG to the path of your jit.yaml or jit.json, or JIT_CONFIG_JSON to the config itself.`, { path });
  }
}

/** The knowledge documents of the package at `path`, or undefined when it is not a package or unreadable. */
function bundledDocuments(path: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return isConfigPackage(text) ? decodeConfigPackage(text, path).knowledge : undefined;
}

/** The config file's path: `JIT_CONFIG`, else the embedded default. */
export function configPath(env: NodeJS.ProcessEnv): string {
  return resolve(env.JIT_CONFIG?.trim() || DEFAULT_CONFIG_PATH);
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

/** Validates a parsed config against the schema; a ConfigError names `where` and each key to fix. */
export async function validateConfig(data: unknown, where: string): Promise<void> {
  const validate = await loadValidator();
  if (!validate(data)) {
    throw new ConfigError(`${where}: ${describeAjvErrors(validate.errors).join('; ')}`, { path: where });
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
