import { describe, expect, it } from 'vitest';
import { STATIC_HANDLERS } from '../../../scripts/handlers/registry.js';
import { generatedTools } from '../../../tools/definitions/generated.js';
import { findStaticTool } from '../../../tools/definitions/index.js';
import { dbEntry } from './fixtures.js';

// The tool definitions (what the teammate reads), the handlers (what the CLI accepts) and the use cases (what
// is refused) agree on the reason arguments: required to revoke, optional to decide.
describe('reason arguments', () => {
  it('revoke_access requires a reason, and its handler takes it', () => {
    expect(findStaticTool('revoke_access')!.args.find((a) => a.name === 'reason')).toMatchObject({ required: true });
    expect(STATIC_HANDLERS.get('revoke_access')!.args).toContain('reason');
  });

  it('every dedicated revoke tool requires a reason too', () => {
    const tools = generatedTools([dbEntry({ dedicatedTool: { revokeTool: 'jit_session_revoke_db' } })]);
    const revoke = tools.find((t) => t.name === 'jit_session_revoke_db')!;
    expect(revoke.args.find((a) => a.name === 'reason')).toMatchObject({ required: true });
  });

  it('approve_tool_access_request takes an optional reason, and its handler passes it on', () => {
    expect(findStaticTool('approve_tool_access_request')!.args.find((a) => a.name === 'reason')).toMatchObject({ required: false });
    expect(STATIC_HANDLERS.get('approve_tool_access_request')!.args).toContain('reason');
  });
});
