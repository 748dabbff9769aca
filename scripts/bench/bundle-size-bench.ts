/**
 * The size of kubiya_bundle.json as committed: the whole file, each tool's config package, and what the same
 * config would weigh as the plain files every tool used to carry (config JSON, AWS files, knowledge documents).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeConfigPackage } from '../config/config-package.js';
import { PACKAGE_ROOT } from '../config/load-config.js';

/** The figures {@link benchBundleSize} prints. */
export interface BundleSizeFigures {
  tools: number;
  bundleBytes: number;
  packageBytes: number;
  plainBytes: number;
}

/** Measures the committed bundle (run `npm run bundle` first to measure the current config). */
export function benchBundleSize(path = join(PACKAGE_ROOT, 'kubiya_bundle.json')): BundleSizeFigures {
  const text = readFileSync(path, 'utf8');
  const bundle = JSON.parse(text) as { tools: { with_files: { content?: string }[] }[] };
  const content = bundle.tools[0]?.with_files[0]?.content ?? '';
  const pkg = decodeConfigPackage(content, path);
  const aws = (pkg.config.aws ?? {}) as Record<string, unknown>;
  // What one tool carried before packaging: the config as indented JSON, each AWS file, each document.
  const { access_configs: access, s3_configs: s3, ...rest } = aws;
  const config = { ...pkg.config, aws: rest };
  const plain = [JSON.stringify(config, null, 2), ...[access, s3].filter(Boolean).map((v) => JSON.stringify(v, null, 2)), ...Object.values(pkg.knowledge ?? {})];
  return {
    tools: bundle.tools.length,
    bundleBytes: Buffer.byteLength(text),
    packageBytes: Buffer.byteLength(content),
    plainBytes: plain.reduce((sum, part) => sum + Buffer.byteLength(part), 0),
  };
}
