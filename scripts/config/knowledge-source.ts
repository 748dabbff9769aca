/**
 * Where the knowledge documents come from, in this order: the `JIT_KNOWLEDGE_JSON` variable (documents by
 * file name, e.g. rendered by the Terraform module from the same files it registers as Kubiya knowledge), an
 * absolute `approvals.knowledge.dir` (a folder the runner mounts), the documents the bundle carries, and
 * last `approvals.knowledge.dir` beside the config file (default `knowledge/`).
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { LoadedConfig } from './jit-config.js';

/** A folder of `*.md` files, or documents already in memory (file name → markdown). */
export type KnowledgeSource = { kind: 'dir'; dir: string } | { kind: 'documents'; label: string; documents: Record<string, string> };

/** The knowledge source of this config and environment, or undefined when the config routes by no knowledge. */
export async function knowledgeSource(config: LoadedConfig, env: NodeJS.ProcessEnv): Promise<KnowledgeSource | undefined> {
  const section = config.file.approvals?.knowledge;
  if (!section) return undefined;
  const inline = env.JIT_KNOWLEDGE_JSON?.trim();
  if (inline) return { kind: 'documents', label: 'JIT_KNOWLEDGE_JSON', documents: parseKnowledgeJson(inline) };
  if (section.dir && isAbsolute(section.dir)) return { kind: 'dir', dir: section.dir };
  const carried = await config.documents?.();
  if (carried) return { kind: 'documents', label: config.path, documents: carried };
  return { kind: 'dir', dir: resolve(config.dir, section.dir ?? 'knowledge') };
}

/** Parses `JIT_KNOWLEDGE_JSON`: a JSON object of `name.md` → markdown; anything else is a ConfigError. */
export function parseKnowledgeJson(text: string): Record<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ConfigError('JIT_KNOWLEDGE_JSON is not valid JSON: set it to an object of document file names and their markdown, e.g. {"compute.md": "---\\n…"}.', {
      variable: 'JIT_KNOWLEDGE_JSON',
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError('JIT_KNOWLEDGE_JSON must be a JSON object of document file names and their markdown.', { variable: 'JIT_KNOWLEDGE_JSON' });
  }
  const documents: Record<string, string> = {};
  for (const [name, content] of Object.entries(data)) {
    // The names become labels in routings and messages, never paths: still, keep them plain file names.
    if (!/^[\w.-]{1,100}\.md$/i.test(name) || typeof content !== 'string') {
      throw new ConfigError(`JIT_KNOWLEDGE_JSON: "${name.slice(0, 100)}" must be a file name ending in .md (letters, digits, . _ -) with the document's markdown as a string.`, {
        variable: 'JIT_KNOWLEDGE_JSON',
      });
    }
    documents[name] = content;
  }
  return documents;
}
