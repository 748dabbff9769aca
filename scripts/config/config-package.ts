/**
 * The config as the bundle carries it: one document holding the config (with its AWS entries inlined) and
 * the knowledge documents, compressed with brotli and written as base64 text under a header line. Kubiya's
 * tool model has no file shared between tools (`with_files.source` copies from the runner, not from the
 * source repository), so each tool carries its own copy; compressed, that copy is a third of the plain files.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { canonicalJson } from '../core/canonical-json.js';
import { ConfigError } from '../core/errors.js';
import type { JitConfigFile } from './jit-config.js';

/** The first line of a packaged config; the loader recognises the format by it, whatever the file's name. */
export const PACKAGE_HEADER = 'kubiya-jit config package v1 (brotli, base64); read it with: kubiya-jit config --show';

/** What a package holds. */
export interface ConfigPackage {
  /** The config, self-contained: AWS entries inline, no paths to other files. */
  config: JitConfigFile;
  /** Knowledge documents by file name (`compute.md`), when the config routes approvers by knowledge. */
  knowledge?: Record<string, string>;
}

/** True when `text` is a packaged config rather than YAML or JSON. */
export function isConfigPackage(text: string): boolean {
  return text.startsWith(PACKAGE_HEADER);
}

/**
 * Encodes a package. Keys are sorted first, so the same config always gives the same bytes on one Node
 * version (brotli's output may differ between zlib versions; `bundle --check` compares the decoded form).
 */
export function encodeConfigPackage(pkg: ConfigPackage): string {
  const json = canonicalJson(pkg);
  const compressed = brotliCompressSync(Buffer.from(json, 'utf8'), {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: json.length },
  });
  return `${PACKAGE_HEADER}\n${compressed.toString('base64')}\n`;
}

/** Decodes a package written by {@link encodeConfigPackage}; a damaged one is a ConfigError naming `where`. */
export function decodeConfigPackage(text: string, where: string): ConfigPackage {
  const body = text.slice(PACKAGE_HEADER.length).trim();
  let data: unknown;
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error('not base64');
    data = JSON.parse(brotliDecompressSync(Buffer.from(body, 'base64')).toString('utf8'));
  } catch {
    throw new ConfigError(`${where} is a damaged config package: rebuild the bundle (npm run bundle) and re-sync the source.`, { path: where });
  }
  const pkg = data as Partial<ConfigPackage>;
  if (typeof pkg !== 'object' || pkg === null || typeof pkg.config !== 'object' || pkg.config === null) {
    throw new ConfigError(`${where} is a config package without a config: rebuild the bundle (npm run bundle).`, { path: where });
  }
  return { config: pkg.config, ...(pkg.knowledge ? { knowledge: pkg.knowledge } : {}) };
}
