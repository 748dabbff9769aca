import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { PACKAGE_ROOT } from '../../config/load-config.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedArgv } from '../parse-argv.js';
import { bundledConfig, extraNames } from './bundle-files.js';

/**
 * `kubiya-jit bundle [--check] [--out FILE]`: renders kubiya_bundle.json from the tool definitions and the
 * config (with its companion files and knowledge documents baked in), or checks the committed one is current.
 */
export async function bundleCommand(ctx: AppContext, argv: ParsedArgv): Promise<CommandResult> {
  const deps = await ctx.deps();
  const [{ buildBundle, defaultImage, TOOL_ENV, TOOL_SECRETS }, { writeBundle, checkBundle }, { STATIC_TOOLS }, { CONFIG_PATH }] = await Promise.all([
    import('../../../tools/bundle.js'),
    import('../../../tools/bundle-file.js'),
    import('../../../tools/definitions/index.js'),
    import('../../../tools/content.js'),
  ]);
  const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const configDir = CONFIG_PATH.replace(/\/[^/]+$/, '');
  const { file, files } = bundledConfig(ctx.config);
  const extra = extraNames(file);
  const bundle = buildBundle({
    staticTools: STATIC_TOOLS,
    generated: deps.catalog.list(),
    image: file.bundle?.image ?? defaultImage(version),
    config: file,
    version,
    env: [...new Set([...TOOL_ENV, ...extra.env])],
    secrets: [...new Set([...TOOL_SECRETS, ...extra.secrets])],
    files: files.map((f) => ({ destination: `${configDir}/${f.path}`, content: f.content })),
  });
  const out = resolve(argv.options.out ?? join(PACKAGE_ROOT, 'kubiya_bundle.json'));
  if (argv.flags.has('check')) {
    const check = checkBundle(out, bundle);
    return check.ok
      ? { human: `${out} is up to date (${bundle.tools.length} tools).`, json: { ok: true, tools: bundle.tools.length } }
      : { human: check.diff ?? `${out} is stale.`, json: { ok: false, diff: check.diff }, exitCode: 1 };
  }
  writeBundle(out, bundle);
  return { human: `Wrote ${out} with ${bundle.tools.length} tools.`, json: { out, tools: bundle.tools.length } };
}
