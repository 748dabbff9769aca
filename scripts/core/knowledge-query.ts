/**
 * Turns an access request into the free text that knowledge retrieval ranks documents against. Pure: the
 * ranking itself lives behind the {@link KnowledgeIndex} port.
 */
import type { CatalogEntry } from './catalog.js';
import type { Json } from './types.js';

/**
 * Longest query built, in characters. A justification can be pasted prose of any length; past this the
 * extra words add noise to the ranking and cost time, and the tool name, description and parameters (which
 * come first) already carry the signal.
 */
export const MAX_KNOWLEDGE_QUERY_CHARS = 2000;

/** Values nested deeper than this in `tool_params` are not walked (a pathological JSON cannot stall routing). */
const MAX_PARAM_DEPTH = 4;

/**
 * Builds the retrieval query for a request: the tool name (as is, and split into words), its description,
 * each parameter name (as is, and split into words) with its value, and the justification.
 *
 * The tool name is kept whole so a document listing it under `tools` matches it exactly; the split words
 * (`create_ec2` → `create ec2`) let documents that only describe the subject in prose match too.
 */
export function buildKnowledgeQuery(entry: CatalogEntry, params: Record<string, Json>, justification: string): string {
  const parts: string[] = [entry.name, splitIdentifier(entry.name), entry.description];
  collectParams(params, parts, 0);
  parts.push(justification);
  const query = parts
    .map((part) => part.replace(/\s+/g, ' ').trim())
    .filter((part) => part.length > 0)
    .join(' ');
  return query.length > MAX_KNOWLEDGE_QUERY_CHARS ? query.slice(0, MAX_KNOWLEDGE_QUERY_CHARS) : query;
}

/**
 * Splits a snake_case, kebab-case or camelCase identifier into lower-case words: `instanceType` and
 * `instance_type` both give `instance type`. Returns '' when the identifier is a single word already.
 */
export function splitIdentifier(identifier: string): string {
  const words = identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .map((word) => word.toLowerCase())
    .filter((word) => word.length > 0);
  return words.length > 1 ? words.join(' ') : '';
}

function collectParams(value: Json, parts: string[], depth: number): void {
  if (depth > MAX_PARAM_DEPTH || value === null) return;
  if (typeof value === 'string') {
    parts.push(value);
  } else if (typeof value === 'number') {
    parts.push(String(value));
  } else if (Array.isArray(value)) {
    for (const item of value) collectParams(item, parts, depth + 1);
  } else if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      parts.push(key, splitIdentifier(key));
      collectParams(item, parts, depth + 1);
    }
  }
  // Booleans are skipped: `true` says nothing about who owns the subject.
}
