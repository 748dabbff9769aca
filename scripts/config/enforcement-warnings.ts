import type { JitConfigFile } from './jit-config.js';

/**
 * The operator's warning when the config lists Kubiya tools to request (`tools:`) but no Enforcer
 * (`enforcer.type: none`, or no `enforcer` section): approving such a request writes nothing, so nothing
 * stops or allows runs of those tools. Undefined when there is nothing to warn about.
 */
export function unenforcedToolsWarning(file: JitConfigFile): string | undefined {
  const tools = (file.tools ?? []).map((tool) => tool.name);
  if (tools.length === 0 || (file.enforcer && file.enforcer.type !== 'none')) return undefined;
  return (
    `enforcer.type is none (or the enforcer section is missing), so the tools: entries (${tools.slice(0, 10).join(', ')}${tools.length > 10 ? ', …' : ''}) ` +
    'are not enforced: approving a request for one only records it. Set enforcer.type to kubiya (a stock Kubiya install) or opa.'
  );
}
