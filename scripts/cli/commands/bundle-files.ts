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
  const directory = file.directory;
  if (directory?.email_mapping) {
    // The GitHub email mapping travels beside the config under a fixed name, like the AWS files.
    const source = resolve(config.dir, directory.email_mapping);
    const fixed = `github-emails${/\.ya?ml$/i.test(source) ? '.yaml' : '.json'}`;
    if (existsSync(source)) files.push({ path: fixed, content: readFileSync(source, 'utf8') });
    directory.email_mapping = fixed;
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
  const directory = DIRECTORY_NAMES[file.directory?.type ?? 'config'] ?? { env: [], secrets: [] };
  return {
    env: [...(file.bundle?.env ?? []), ...directory.env],
    secrets: [...(file.bundle?.secrets ?? []), ...(tokenEnv ? [tokenEnv] : []), ...directory.secrets],
  };
}

/** The variables each provider directory reads, added to every tool when that directory is configured. */
const DIRECTORY_NAMES: Record<string, { env: string[]; secrets: string[] }> = {
  github: { env: ['GITHUB_APP_ID', 'GITHUB_APP_INSTALLATION_ID', 'GITHUB_API_URL'], secrets: ['GITHUB_APP_PRIVATE_KEY', 'GITHUB_TOKEN'] },
  google: { env: ['GOOGLE_API_URL', 'GOOGLE_TOKEN_URL'], secrets: ['GOOGLE_SERVICE_ACCOUNT_KEY'] },
  microsoft: { env: ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_AUTHORITY_HOST', 'MICROSOFT_GRAPH_URL'], secrets: ['AZURE_CLIENT_SECRET'] },
};
