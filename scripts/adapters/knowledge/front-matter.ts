/**
 * Parses one knowledge document: YAML front matter between `---` lines naming the owning Okta groups (and
 * optionally the tools it covers), then the Markdown body that retrieval ranks.
 */
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../core/errors.js';

/** One knowledge document, ready to index. */
export interface KnowledgeDocument {
  /** File name (`compute.md`): what routing explanations and the audit log cite. */
  document: string;
  title: string;
  /** Okta groups that own the subject; routing keeps only those in the config's allowlist. */
  groups: string[];
  /** Tool names the document covers; a request for one of them matches this document strongly. */
  tools: string[];
  body: string;
}

const ALLOWED_FIELDS = ['title', 'groups', 'tools'];
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/;
const TOOL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const MAX_GROUP_NAME = 255;

/**
 * Parses a knowledge document's text. `file` is the path shown in errors and `document` its name as cited.
 *
 * @throws ConfigError naming the file and the field when the front matter is missing or wrong.
 */
export function parseKnowledgeDocument(file: string, document: string, text: string): KnowledgeDocument {
  const found = FRONT_MATTER.exec(text);
  if (!found && /^\uFEFF?---[ \t]*\r?\n/.test(text)) {
    throw fail(file, 'front matter', 'has front matter that is never closed: end it with a line "---" before the text');
  }
  if (!found) {
    throw fail(file, 'front matter', 'has no front matter: start it with a line "---", then "groups: [owning-okta-group]", then "---"');
  }
  let data: unknown;
  try {
    data = parseYaml(found[1] ?? '');
  } catch (err) {
    // The YAML library's message names the line and column, which is what the author needs.
    throw fail(file, 'front matter', `has front matter that is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  // Empty front matter parses as null; treat it as no fields so the author hears which field is missing.
  data ??= {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw fail(file, 'front matter', 'has front matter that is not a mapping of fields (title, groups, tools)');
  }
  const fields = data as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!ALLOWED_FIELDS.includes(key)) {
      throw fail(file, key, `has an unknown front matter field "${key}": the fields are ${ALLOWED_FIELDS.join(', ')}`);
    }
  }
  const body = text.slice(found[0].length);
  return {
    document,
    title: readTitle(file, fields.title, body, document),
    groups: readGroups(file, fields.groups),
    tools: readTools(file, fields.tools),
    body,
  };
}

function readTitle(file: string, value: unknown, body: string, document: string): string {
  if (value === undefined) {
    // Without a title the first Markdown heading serves, so a page written for people needs nothing extra.
    const heading = /^#\s+(.+)$/m.exec(body);
    return heading?.[1]?.trim() ?? document.replace(/\.md$/i, '');
  }
  if (typeof value !== 'string' || value.trim() === '') throw fail(file, 'title', 'has a "title" that is not a non-empty string');
  return value.trim();
}

function readGroups(file: string, value: unknown): string[] {
  if (value === undefined) {
    throw fail(file, 'groups', 'has no "groups" field: name the Okta groups that own this subject, e.g. groups: [cloud-compute-owners]');
  }
  const groups = readStringList(file, 'groups', value);
  if (groups.length === 0) throw fail(file, 'groups', 'has an empty "groups" list: name at least one owning Okta group');
  for (const group of groups) {
    if (group.length > MAX_GROUP_NAME) throw fail(file, 'groups', `names a group longer than ${MAX_GROUP_NAME} characters`);
  }
  return [...new Set(groups)];
}

function readTools(file: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const tools = readStringList(file, 'tools', value);
  for (const tool of tools) {
    if (!TOOL_NAME.test(tool)) throw fail(file, 'tools', `lists "${tool}", which is not a tool name (letters, digits, _ . -)`);
  }
  return [...new Set(tools)];
}

function readStringList(file: string, field: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw fail(file, field, `has a "${field}" field that is not a list (write ${field}: [a, b])`);
  return value.map((item, i) => {
    if (typeof item !== 'string' || item.trim() === '') {
      throw fail(file, field, `has an entry ${i + 1} in "${field}" that is not a non-empty string`);
    }
    return item.trim();
  });
}

function fail(file: string, field: string, problem: string): ConfigError {
  return new ConfigError(`Knowledge document ${file} ${problem}.`, { file, field });
}
