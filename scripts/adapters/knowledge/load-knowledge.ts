/**
 * Loads the organisation's knowledge documents (`configs/knowledge/*.md`) and builds the retrieval index.
 * This module imports no vendor package itself: the YAML parser and MiniSearch are loaded on first use, so
 * the tools that never route approvers do not pay for them at start-up.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import type { KnowledgeIndex } from '../../core/ports.js';
import type { KnowledgeDocument } from './front-matter.js';

/** A knowledge index that also says how many documents it holds (0 when the folder is empty or missing). */
export type SizedKnowledgeIndex = KnowledgeIndex & { readonly size: number };

/**
 * Reads and parses every `*.md` file directly in `dir`, in file-name order. A missing folder gives no
 * documents: knowledge routing is optional.
 *
 * @throws ConfigError naming the file (and the field) when a document's front matter is wrong.
 */
export async function loadKnowledgeDocuments(dir: string): Promise<KnowledgeDocument[]> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.md')).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`The knowledge folder ${dir} cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'unknown error'}.`, {
      file: dir,
    });
  }
  // Sorted so ties rank the same way on every machine, whatever order the file system lists them in.
  names.sort();
  const { parseKnowledgeDocument } = await import('./front-matter.js');
  const documents: KnowledgeDocument[] = [];
  for (const name of names) {
    const file = join(dir, name);
    documents.push(parseKnowledgeDocument(file, name, await readFile(file, 'utf8')));
  }
  return documents;
}

/** Builds the BM25+ index over the documents in `dir`; see {@link loadKnowledgeDocuments} for what is read. */
export async function loadKnowledgeIndex(dir: string): Promise<SizedKnowledgeIndex> {
  const documents = await loadKnowledgeDocuments(dir);
  const { MiniSearchKnowledgeIndex } = await import('./minisearch-index.js');
  return new MiniSearchKnowledgeIndex(documents);
}

/**
 * Builds the index over documents already in memory (file name → markdown), in file-name order, as the
 * bundle and `JIT_KNOWLEDGE_JSON` carry them. Errors name `label` and the document.
 */
export async function indexKnowledgeTexts(texts: Record<string, string>, label: string): Promise<SizedKnowledgeIndex> {
  const { parseKnowledgeDocument } = await import('./front-matter.js');
  const documents = Object.keys(texts)
    .sort()
    .map((name) => parseKnowledgeDocument(`${label}: ${name}`, name, texts[name]!));
  const { MiniSearchKnowledgeIndex } = await import('./minisearch-index.js');
  return new MiniSearchKnowledgeIndex(documents);
}
