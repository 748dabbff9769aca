import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../scripts/core/errors.js';
import { ToolDefinitionSchema, type ToolDefinition } from '../../../tools/definitions/definition.js';
import { findDedicatedTool, generatedTools, toolParamsFromArgs } from '../../../tools/definitions/generated.js';
import { STATIC_TOOLS, findStaticTool } from '../../../tools/definitions/index.js';
import { ToolSchema } from '../../../tools/model.js';
import { dbEntry, ec2Entry } from './fixtures.js';

const DEFINITIONS_DIR = fileURLToPath(new URL('../../../tools/definitions/', import.meta.url));
/** Files in tools/definitions that hold no tool definition on purpose. */
const SUPPORT_FILES = ['common-args.ts', 'definition.ts', 'diagrams.ts', 'generated-params.ts', 'generated.ts', 'index.ts'];

describe('the static tool registry', () => {
  it('lists exactly the definitions exported by the files of tools/definitions, each once', async () => {
    const found: ToolDefinition[] = [];
    for (const file of readdirSync(DEFINITIONS_DIR).filter((name) => name.endsWith('.ts')).sort()) {
      const module = (await import(join(DEFINITIONS_DIR, file))) as Record<string, unknown>;
      const definitions = Object.values(module).filter((value) => ToolDefinitionSchema.safeParse(value).success) as ToolDefinition[];
      if (SUPPORT_FILES.includes(file)) {
        expect(definitions, `${file} is a support file`).toEqual([]);
      } else {
        expect(definitions.length, `${file} exports no tool definition: add one or list it as a support file`).toBeGreaterThan(0);
      }
      found.push(...definitions);
    }
    expect(new Set(STATIC_TOOLS).size).toBe(STATIC_TOOLS.length);
    expect([...STATIC_TOOLS].sort(byName)).toEqual(found.sort(byName));
  });

  it('holds the tools of the issue, and approvers is not a tool', () => {
    expect(STATIC_TOOLS.map((tool) => tool.name).sort()).toEqual([
      'access_analytics',
      'approve_tool_access_request',
      'cancel_access_request',
      'describe_access_request',
      'list_active_access_requests',
      'request_tool_access',
      'revoke_access',
      'search_access_requests',
      'sweep_expired_access',
      'view_user_requests',
    ]);
    expect(findStaticTool('approvers')).toBeUndefined();
  });

  it.each(STATIC_TOOLS.map((tool) => [tool.name, tool] as const))('%s is a valid Kubiya tool definition', (_name, definition) => {
    const result = ToolSchema.safeParse({ ...definition, type: 'docker', image: 'x', content: 'true' });
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it('gives request_tool_access the seed arguments, ttl defaulting to 1h, and an optional Enforcer request id', () => {
    const args = Object.fromEntries(findStaticTool('request_tool_access')!.args.map((arg) => [arg.name, arg]));
    expect(Object.keys(args)).toEqual(['tool_name', 'user_email', 'tool_params', 'ttl', 'justification', 'enforcer_request_id']);
    expect(args.enforcer_request_id).toMatchObject({ required: false });
    expect(args.ttl).toMatchObject({ default: '1h', required: false });
    expect(findStaticTool('request_tool_access')!.description).toContain('{"region": "eu-west-1"}');
  });

  it('offers exactly approve and reject as approval actions', () => {
    const action = findStaticTool('approve_tool_access_request')!.args.find((arg) => arg.name === 'approval_action');
    expect(action?.options).toEqual(['approve', 'reject']);
  });
});

describe('generatedTools', () => {
  const tools = generatedTools([ec2Entry(), dbEntry()], { reservedNames: STATIC_TOOLS.map((tool) => tool.name) });

  it('adds a request tool and a revoke tool only for entries that ask for them', () => {
    expect(tools.map((tool) => tool.name)).toEqual(['jit_db_staging', 'revoke_jit_db_staging']);
    for (const tool of tools) expect(ToolSchema.safeParse({ ...tool, image: 'x', content: 'true' }).success).toBe(true);
  });

  it('gives the request tool one arg per parameter, typed, then ttl from the entry, justification and user_email', () => {
    const args = tools[0]!.args;
    expect(args.map((arg) => [arg.name, arg.type, arg.required ?? false])).toEqual([
      ['region', 'str', true],
      ['replicas', 'int', false],
      ['ratio', 'float', false],
      ['read_only', 'bool', false],
      ['tables', 'str', false],
      ['param_ttl', 'str', false],
      ['ttl', 'str', false],
      ['justification', 'str', true],
      ['user_email', 'str', false],
    ]);
    expect(args.find((arg) => arg.name === 'region')?.options).toEqual(['eu-west-1', 'us-east-1']);
    expect(args.find((arg) => arg.name === 'ttl')?.default).toBe('1h');
    expect(args.find((arg) => arg.name === 'read_only')?.default).toBe('true');
  });

  it('gives the revoke tool reason and an optional request_id', () => {
    expect(tools[1]!.args.map((arg) => [arg.name, arg.required])).toEqual([
      ['reason', true],
      ['request_id', false],
    ]);
  });

  it('refuses a name that is taken or unsafe, naming the entry', () => {
    expect(() => generatedTools([dbEntry({ name: 'revoke_access' })], { reservedNames: ['revoke_access'] })).toThrow(/revoke_access/);
    expect(() => generatedTools([dbEntry({ name: 'x; rm -rf /' })])).toThrow(/x; rm -rf/);
    expect(() => generatedTools([dbEntry({ dedicatedTool: { revokeTool: 'jit_db_staging' } })])).toThrow(/already exists/);
  });

  it('keeps a very long config description within 1024 characters', () => {
    const [tool] = generatedTools([dbEntry({ description: 'x'.repeat(5000), dedicatedTool: {} })]);
    expect(tool!.description.length).toBeLessThanOrEqual(1024);
    expect(tool!.description).toContain('approvers decide in Slack');
  });

  it('resolves a tool name to its entry for the CLI', () => {
    const entries = [ec2Entry(), dbEntry()];
    expect(findDedicatedTool('jit_db_staging', entries)).toMatchObject({ kind: 'request', entry: { name: 'jit_db_staging' } });
    expect(findDedicatedTool('revoke_jit_db_staging', entries)).toMatchObject({ kind: 'revoke', entry: { name: 'jit_db_staging' } });
    expect(findDedicatedTool('create_ec2', entries)).toBeUndefined();
  });

  it('builds typed tool_params from the arg values and refuses values of the wrong type', () => {
    const entry = dbEntry();
    expect(
      toolParamsFromArgs(entry, { region: 'eu-west-1', replicas: '3', ratio: '0.5', read_only: 'false', tables: '["a","b"]', param_ttl: '5', ttl: '1h' }),
    ).toEqual({ region: 'eu-west-1', replicas: 3, ratio: 0.5, read_only: false, tables: ['a', 'b'], ttl: '5' });
    expect(toolParamsFromArgs(entry, { region: 'us-east-1' })).toEqual({ region: 'us-east-1' });
    for (const bad of [{ replicas: '2.5' }, { replicas: '' }, { ratio: 'NaN' }, { read_only: 'yes' }, { tables: '[oops' }]) {
      expect(() => toolParamsFromArgs(entry, bad)).toThrow(ValidationError);
    }
  });
});

function byName(a: ToolDefinition, b: ToolDefinition): number {
  return a.name.localeCompare(b.name);
}
