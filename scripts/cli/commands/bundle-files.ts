import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JitConfigFile, LoadedConfig } from '../../config/jit-config.js';

/** A file placed beside the config in every tool's container, by its path relative to the config. */
export interface BundledFile {
  path: string;
  content: string;
}

/**
 * The config as it travels in the bundle, and the files that go with it. Companion files and knowledge
 * documents are read from wherever the config names them and placed at fixed names beside it in the
 * container, and the copy of the config points at those names, so nothing depends on the author's folders.
 */
export function bundledConfig(config: LoadedConfig): { file: JitConfigFile; files: BundledFile[] } {
  const file = structuredClone(config.file);
  const files: BundledFile[] = [];
  const aws = file.aws as Record<string, unknown> | undefined;
  for (const [key, fixed] of [['access_configs_file', 'access_configs.json'], ['s3_configs_file', 's3_configs.json']] as const) {
    const source = resolve(config.dir, typeof aws?.[key] === 'string' ? (aws[key] as string) : fixed);
    if (aws) delete aws[key];
    if (existsSync(source)) files.push({ path: fixed, content: readFileSync(source, 'utf8') });
  }
  const knowledge = file.approvals?.knowledge;
  if (knowledge) {
    const dir = resolve(config.dir, knowledge.dir ?? 'knowledge');
    knowledge.dir = 'knowledge';
    if (existsSync(dir)) {
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.md')).sort()) {
        files.push({ path: `knowledge/${name}`, content: readFileSync(join(dir, name), 'utf8') });
      }
    }
  }
  return { file, files };
}

/** Variable and secret names the tools need beyond the package's fixed lists, from the config. */
export function extraNames(file: JitConfigFile): { env: string[]; secrets: string[] } {
  const tokenEnv = file.enforcer?.token_env;
  return { env: file.bundle?.env ?? [], secrets: [...(file.bundle?.secrets ?? []), ...(tokenEnv ? [tokenEnv] : [])] };
}
