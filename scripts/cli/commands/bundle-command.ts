import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { PACKAGE_ROOT } from '../../config/load-config.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedArgv } from '../parse-argv.js';

/** Files beside the config that travel with it into every tool's container. */
const COMPANION_FILES = ['access_configs.json', 's3_configs.json'];

/**
 * `kubiya-jit bundle [--check] [--out FILE]`: renders kubiya_bundle.json from the tool definitions and the
 * config (with its companion files and knowledge documents baked in), or checks the committed one is current.
 */
export async function bundleCommand(ctx: AppContext, argv: ParsedArgv): Promise<CommandResult> {
  const deps = await ctx.deps();
  const [{ buildBundle, defaultImage }, { writeBundle, checkBundle }, { STATIC_TOOLS }, { CONFIG_PATH }] = await Promise.all([
    import('../../../tools/bundle.js'),
    import('../../../tools/bundle-file.js'),
    import('../../../tools/definitions/index.js'),
    import('../../../tools/content.js'),
  ]);
  const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const configDir = CONFIG_PATH.replace(/\/[^/]+$/, '');
  const bundle = buildBundle({
    staticTools: STATIC_TOOLS,
    generated: deps.catalog.list(),
    image: ctx.config.file.bundle?.image ?? defaultImage(version),
    config: ctx.config.file,
    version,
    files: companionFiles(ctx.config.dir, ctx.config.file.approvals?.knowledge?.dir).map((file) => ({
      destination: `${configDir}/${file.path}`,
      content: file.content,
    })),
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

/** The config's companion files and knowledge documents, with paths relative to the config's folder. */
function companionFiles(configDir: string, knowledgeDir: string | undefined): { path: string; content: string }[] {
  const files = COMPANION_FILES.filter((name) => existsSync(join(configDir, name))).map((name) => ({
    path: name,
    content: readFileSync(join(configDir, name), 'utf8'),
  }));
  if (knowledgeDir !== undefined || existsSync(join(configDir, 'knowledge'))) {
    const dir = resolve(configDir, knowledgeDir ?? 'knowledge');
    if (existsSync(dir)) {
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.md')).sort()) {
        files.push({ path: relative(configDir, join(dir, name)), content: readFileSync(join(dir, name), 'utf8') });
      }
    }
  }
  return files;
}
