import { join, resolve } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { packageVersion } from '../../app/package-version.js';
import { PACKAGE_ROOT } from '../../config/load-config.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedCommand } from '../command-spec.js';
import { writeOutputFile, type OutputKind } from '../output-file.js';
import { bundledPackage } from './bundle-files.js';

/** Only an earlier bundle (a JSON object with a `tools` list) may be replaced by `bundle --out`. */
const BUNDLE_FILE: OutputKind = {
  what: 'a Kubiya bundle (a JSON object with a "tools" list)',
  // Only the start is read (a bundle is hundreds of KiB); the writer always puts the tools list first.
  recognise: (head) => /^\s*\{\s*"tools"\s*:\s*\[/.test(head),
};

/**
 * `kubiya-jit bundle [--check] [--out FILE]`: renders kubiya_bundle.json from the tool definitions and the
 * config (packaged with its AWS entries and knowledge documents), or checks the committed one is current.
 * The config is whatever the run loads, `JIT_CONFIG_JSON` included, so a bundle can be built for a config
 * kept on the teammate.
 */
export async function bundleCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  const deps = await ctx.deps();
  const [{ buildBundle, serializeBundle }, { bundleSettings }, { checkBundle }, { STATIC_TOOLS }] = await Promise.all([
    import('../../../tools/bundle.js'),
    import('../../../tools/bundle-shape.js'),
    import('../../../tools/bundle-file.js'),
    import('../../../tools/definitions/index.js'),
  ]);
  const version = packageVersion();
  const pkg = await bundledPackage(ctx.config, ctx.env);
  const bundle = buildBundle({
    staticTools: STATIC_TOOLS,
    generated: deps.catalog.list(),
    ...bundleSettings(pkg.config, version),
    config: pkg.config,
    ...(pkg.knowledge ? { knowledge: pkg.knowledge } : {}),
    version,
  });
  const given = parsed.values.out;
  const out = resolve(typeof given === 'string' ? given : join(PACKAGE_ROOT, 'kubiya_bundle.json'));
  if (parsed.values.check === true) {
    const check = checkBundle(out, bundle);
    return check.ok
      ? { human: `${out} is up to date (${bundle.tools.length} tools).`, json: { ok: true, tools: bundle.tools.length } }
      : { human: check.diff ?? `${out} is stale.`, json: { ok: false, diff: check.diff }, exitCode: 1 };
  }
  writeOutputFile(out, serializeBundle(bundle), BUNDLE_FILE);
  return { human: `Wrote ${out} with ${bundle.tools.length} tools.`, json: { out, tools: bundle.tools.length } };
}
