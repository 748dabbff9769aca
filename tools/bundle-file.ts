/**
 * Writes `kubiya_bundle.json` and checks a committed one against what the current definitions and config
 * would produce (`npm run bundle:check`, run by CI), with a short account of what differs.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { decodeConfigPackage, PACKAGE_HEADER } from '../scripts/config/config-package.js';
import { canonicalJson } from '../scripts/core/canonical-json.js';
import { serializeBundle } from './bundle.js';
import type { Bundle } from './model.js';

/** Result of {@link checkBundle}: `ok` when the file's bytes are exactly the bundle's. */
export interface BundleCheck {
  ok: boolean;
  /** What differs, a few lines, when not ok. */
  diff?: string;
}

/** Writes the bundle to `path` atomically (temp file, then rename), so a reader never sees half a file. */
export function writeBundle(path: string, bundle: Bundle): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, serializeBundle(bundle), 'utf8');
  renameSync(temp, path);
}

/** Compares the file at `path` with the bundle, byte for byte, and says briefly what differs. */
export function checkBundle(path: string, bundle: Bundle): BundleCheck {
  const expected = serializeBundle(bundle);
  if (!existsSync(path)) return { ok: false, diff: `${path} does not exist: run npm run bundle and commit it.` };
  const actual = readFileSync(path, 'utf8');
  if (actual === expected || decodePackages(actual) === decodePackages(expected)) return { ok: true };
  return { ok: false, diff: `${path} is stale: ${describeDifference(actual, bundle)} Run npm run bundle and commit it.` };
}

function describeDifference(actual: string, bundle: Bundle): string {
  let committed: Partial<Bundle>;
  try {
    committed = JSON.parse(actual) as Partial<Bundle>;
  } catch {
    return 'it is not valid JSON.';
  }
  const lines: string[] = [];
  if (committed.python_bundle_version !== bundle.python_bundle_version) {
    lines.push(`version ${String(committed.python_bundle_version)} should be ${bundle.python_bundle_version}`);
  }
  const theirs = new Map((Array.isArray(committed.tools) ? committed.tools : []).map((tool) => [tool.name, tool]));
  const ours = new Map(bundle.tools.map((tool) => [tool.name, tool]));
  const missing = [...ours.keys()].filter((name) => !theirs.has(name));
  const extra = [...theirs.keys()].filter((name) => !ours.has(name));
  if (missing.length) lines.push(`missing tools ${missing.join(', ')}`);
  if (extra.length) lines.push(`tools no longer defined ${extra.join(', ')}`);
  // Grouped by field, because one change (a new image, a config edit) usually touches every tool alike.
  const byField = new Map<string, string[]>();
  for (const [name, tool] of ours) {
    const old = theirs.get(name) as Record<string, unknown> | undefined;
    if (!old) continue;
    const current = tool as Record<string, unknown>;
    for (const key of new Set([...Object.keys(current), ...Object.keys(old)])) {
      if (JSON.stringify(current[key]) !== JSON.stringify(old[key])) byField.set(key, [...(byField.get(key) ?? []), name]);
    }
  }
  for (const [field, names] of byField) {
    const which = names.length === ours.size ? 'every tool' : names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
    lines.push(`${field} differs in ${which}`);
  }
  if (lines.length === 0 && [...theirs.keys()].join() !== [...ours.keys()].join()) lines.push('the tools are in a different order');
  if (lines.length === 0) return 'the content is the same but its formatting or key order differs.';
  return `${lines.join('; ')}.`;
}

// brotli's bytes may change with the zlib a Node version ships, so packaged configs are compared decoded:
// each package string in the file's text is replaced by its content, and the formatting around it still counts.
const PACKAGE_LITERAL = new RegExp(`"${PACKAGE_HEADER.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^"]*"`, 'g');

function decodePackages(text: string): string {
  return text.replace(PACKAGE_LITERAL, (literal) => {
    try {
      return JSON.stringify(canonicalJson(decodeConfigPackage(JSON.parse(literal) as string, 'the bundle')));
    } catch {
      return literal;
    }
  });
}
