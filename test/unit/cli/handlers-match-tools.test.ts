import { describe, expect, it } from 'vitest';
import { STATIC_HANDLERS } from '../../../scripts/handlers/registry.js';
import { STATIC_TOOLS } from '../../../tools/definitions/index.js';

describe('the CLI handlers and the Kubiya tool definitions', () => {
  it('have the same tools', () => {
    expect([...STATIC_HANDLERS.keys()].sort()).toEqual(STATIC_TOOLS.map((t) => t.name).sort());
  });

  it.each(STATIC_TOOLS.map((t) => [t.name, t] as const))('%s takes exactly the args its definition declares, in order', (name, tool) => {
    // The content sends the args document in the definition's order; the CLI parses in the handler's.
    expect(STATIC_HANDLERS.get(name)!.args).toEqual(tool.args.map((a) => a.name));
  });
});
