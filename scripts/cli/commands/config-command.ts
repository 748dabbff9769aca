import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { configShape } from '../../app/bundle-match.js';
import { knowledgeSource } from '../../config/knowledge-source.js';
import { ConfigError } from '../../core/errors.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedCommand } from '../command-spec.js';
import type { BundleShape } from '../../../tools/bundle-shape.js';
import { STATIC_TOOLS } from '../../../tools/definitions/index.js';

/**
 * `kubiya-jit config [--show] [--bundle FILE]`: where the config of this run comes from, where its knowledge
 * documents come from, and the bundle shape it gives (the generated tools and its fingerprint). `--show`
 * prints the config itself (a bundle's package decoded); `--bundle` checks a kubiya_bundle.json against it,
 * as a bundle tool does at run time, and exits 1 naming what differs.
 */
export async function configCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  const config = ctx.config;
  const bundleFile = typeof parsed.values.bundle === 'string' ? parsed.values.bundle : undefined;
  if (parsed.values.show === true) return { human: JSON.stringify(config.file, null, 2), json: { source: config.path, config: config.file } };
  const [{ shapeFingerprint, describeShapeDifference }, shape, knowledge] = await Promise.all([
    import('../../../tools/bundle-shape.js'),
    configShape(config),
    knowledgeSource(config, ctx.env),
  ]);
  const fingerprint = shapeFingerprint(shape);
  const knowledgeFrom = !knowledge ? 'none (no approvals.knowledge)' : knowledge.kind === 'dir' ? `the folder ${knowledge.dir}` : `${knowledge.label} (${Object.keys(knowledge.documents).length} documents)`;
  const json: Record<string, unknown> = { source: config.path, origin: config.origin ?? 'file', knowledge: knowledgeFrom, fingerprint, tools: shape.tools.map((tool) => tool.name) };
  const lines = [
    `Config: ${config.path} (${describeOrigin(config.origin)})`,
    `Knowledge documents: ${knowledgeFrom}`,
    `Bundle shape: ${fingerprint}, image ${shape.image}, ${shape.tools.length} generated tools${shape.tools.length ? `: ${shape.tools.map((tool) => tool.name).join(', ')}` : ''}`,
  ];
  if (bundleFile === undefined) return { human: lines.join('\n'), json };
  const bundled = readBundleShape(resolve(bundleFile));
  const matches = bundled.fingerprint === fingerprint;
  const differences = matches ? [] : describeShapeDifference(bundled.shape, shape);
  lines.push(
    matches
      ? `${bundleFile} matches: its tools run with this config.`
      : `${bundleFile} does not match (${bundled.fingerprint ?? 'no fingerprint'}): ${differences.join('; ') || 'its variables or image differ'}. Rebuild it with this config (npm run bundle).`,
  );
  return { human: lines.join('\n'), json: { ...json, bundle: { matches, fingerprint: bundled.fingerprint, differences } }, exitCode: matches ? 0 : 1 };
}

function describeOrigin(origin: string | undefined): string {
  if (origin === 'env') return 'from the environment; it takes precedence over any file';
  if (origin === 'bundle') return 'the package a bundle tool carries';
  return 'a file';
}

/** The shape a kubiya_bundle.json was built with: its fingerprint and its tools beyond the static ones. */
function readBundleShape(path: string): { fingerprint?: string; shape: BundleShape } {
  let bundle: { tools?: { name: string; image?: string; content?: string; env?: string[]; secrets?: string[]; args?: BundleShape['tools'][number]['args'] }[] };
  try {
    bundle = JSON.parse(readFileSync(path, 'utf8')) as typeof bundle;
  } catch {
    throw new ConfigError(`${path} cannot be read as a kubiya_bundle.json.`, { path });
  }
  const tools = bundle.tools ?? [];
  const first = tools[0];
  const fingerprint = /^export JIT_BUNDLE_FINGERPRINT=(\S+)$/m.exec(first?.content ?? '')?.[1];
  const staticNames = new Set(STATIC_TOOLS.map((tool) => tool.name));
  const generated = tools.filter((tool) => !staticNames.has(tool.name));
  return {
    ...(fingerprint ? { fingerprint } : {}),
    shape: {
      image: first?.image ?? '',
      env: [...(first?.env ?? [])].sort(),
      secrets: [...(first?.secrets ?? [])].sort(),
      tools: generated.map((tool) => ({
        name: tool.name,
        args: (tool.args ?? []).map((arg) => ({ name: arg.name, type: arg.type, required: arg.required, ...(arg.options ? { options: arg.options } : {}) })),
      })),
    },
  };
}
