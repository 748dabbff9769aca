import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConfigPackage } from '../../config/config-package.js';
import type { JitConfigFile, LoadedConfig } from '../../config/jit-config.js';
import { knowledgeSource } from '../../config/knowledge-source.js';
import { ConfigError } from '../../core/errors.js';

/**
 * The config as the bundle carries it: self-contained, so nothing depends on the author's folders. The AWS
 * companion files are read from wherever the config names them and written inline (`aws.access_configs`,
 * `aws.s3_configs`); the knowledge documents are read from their source (see knowledge-source.ts) and
 * travel beside the config. The loaded config itself is left as it was.
 */
export async function bundledPackage(config: LoadedConfig, env: NodeJS.ProcessEnv): Promise<ConfigPackage> {
  const file: JitConfigFile = structuredClone(config.file);
  const aws: Record<string, unknown> = { ...(file.aws ?? {}) };
  for (const [key, fixed] of [['access_configs', 'access_configs.json'], ['s3_configs', 's3_configs.json']] as const) {
    const named = aws[`${key}_file`];
    delete aws[`${key}_file`];
    if (aws[key] !== undefined) continue;
    const source = resolve(config.dir, typeof named === 'string' ? named : fixed);
    if (existsSync(source)) aws[key] = readJson(source);
  }
  if (file.aws !== undefined || Object.keys(aws).length > 0) file.aws = aws;
  const directory = file.directory;
  if (typeof directory?.email_mapping === 'string') {
    // The GitHub email mapping travels inline, like the AWS entries: the bundle names no file of the author's.
    directory.email_mapping = await readMappingList(resolve(config.dir, directory.email_mapping));
  }
  const source = await knowledgeSource(config, env);
  const knowledge = file.approvals?.knowledge;
  if (!source || !knowledge) return { config: file };
  delete knowledge.dir;
  return { config: file, knowledge: source.kind === 'documents' ? { ...source.documents } : readKnowledgeDir(source.dir) };
}

/** The mapping file's entries (a list, or a `people:` list), for carrying inline; the GitHub adapter checks them. */
async function readMappingList(path: string): Promise<Record<string, unknown>[]> {
  let parsed: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    parsed = /\.ya?ml$/i.test(path) ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} (directory.email_mapping): cannot be read as ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'} (${(err as Error).message.split('\n')[0]}).`, { path });
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { people?: unknown } | null)?.people;
  if (!Array.isArray(list)) throw new ConfigError(`${path} (directory.email_mapping) must be a list of {email, login, id} entries (or have one under "people").`, { path });
  return list as Record<string, unknown>[];
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: is not valid JSON (${(err as Error).message.split('\n')[0]}).`, { path });
  }
}

function readKnowledgeDir(dir: string): Record<string, string> {
  const documents: Record<string, string> = {};
  if (!existsSync(dir)) return documents;
  for (const name of readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.md')).sort()) {
    documents[name] = readFileSync(join(dir, name), 'utf8');
  }
  return documents;
}
