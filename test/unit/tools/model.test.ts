import { describe, expect, it } from 'vitest';
import { ArgSchema, BundleSchema, ToolSchema, type ToolInput } from '../../../tools/model.js';

function tool(overrides: Partial<ToolInput> = {}): ToolInput {
  return {
    name: 'describe_access_request',
    description: 'Show one access request.',
    type: 'docker',
    image: 'example/kubiya-jit:1',
    content: 'exec kubiya-jit describe_access_request',
    args: [{ name: 'request_id', type: 'str', description: 'The request id.', required: true }],
    ...overrides,
  };
}

function messages(result: { success: boolean; error?: { issues: { message: string }[] } }): string {
  return (result.error?.issues ?? []).map((issue) => issue.message).join(' | ');
}

describe('ToolSchema', () => {
  it('accepts a valid tool and fills in Kubiya defaults', () => {
    const parsed = ToolSchema.parse(tool({ args: [{ name: 'x', description: 'X.' }] }));
    expect(parsed.args[0]).toEqual({ name: 'x', type: 'str', description: 'X.', required: false });
    expect(parsed.env).toEqual([]);
    expect(parsed.with_volumes).toEqual([]);
  });

  it('accepts a description of exactly 1024 characters and refuses 1025', () => {
    expect(ToolSchema.safeParse(tool({ description: 'd'.repeat(1024) })).success).toBe(true);
    const result = ToolSchema.safeParse(tool({ description: 'd'.repeat(1025) }));
    expect(result.success).toBe(false);
    expect(messages(result)).toContain('1024');
  });

  it('refuses an arg description over 1024 characters', () => {
    const result = ToolSchema.safeParse(tool({ args: [{ name: 'x', description: 'd'.repeat(1025) }] }));
    expect(result.success).toBe(false);
  });

  it.each(['string', 'number', 'object', 'boolean', 'STR'])('refuses arg type %s', (type) => {
    expect(ArgSchema.safeParse({ name: 'x', type, description: 'X.' }).success).toBe(false);
  });

  it.each(['str', 'array', 'bool', 'int', 'float'])('accepts arg type %s', (type) => {
    expect(ArgSchema.safeParse({ name: 'x', type, description: 'X.' }).success).toBe(true);
  });

  it('refuses two args of one name, naming it', () => {
    const result = ToolSchema.safeParse(tool({ args: [{ name: 'a', description: 'A.' }, { name: 'a', description: 'B.' }] }));
    expect(result.success).toBe(false);
    expect(messages(result)).toContain('"a"');
  });

  it.each(['my-arg', '1st', 'a b', '{{x}}', 'a.b', ''])('refuses arg name %j (not a Go template identifier)', (name) => {
    expect(ArgSchema.safeParse({ name, description: 'X.' }).success).toBe(false);
  });

  it.each(['-rf', '1tool', 'a b', 'x;id', 'a'.repeat(65), ''])('refuses tool name %j', (name) => {
    expect(ToolSchema.safeParse(tool({ name })).success).toBe(false);
  });

  it('requires an image and a content for a docker tool', () => {
    expect(messages(ToolSchema.safeParse(tool({ image: undefined })))).toContain('image');
    expect(messages(ToolSchema.safeParse(tool({ content: undefined })))).toContain('content');
  });

  it('refuses unknown fields, a default outside the options, and repeated options', () => {
    expect(ToolSchema.safeParse({ ...tool(), contents: 'typo' }).success).toBe(false);
    expect(ArgSchema.safeParse({ name: 'a', description: 'A.', options: ['x', 'y'], default: 'z' }).success).toBe(false);
    expect(ArgSchema.safeParse({ name: 'a', description: 'A.', options: ['x', 'x'] }).success).toBe(false);
  });

  it('refuses relative file and volume paths, a file with neither source nor content, and bad volume names', () => {
    expect(ToolSchema.safeParse(tool({ with_files: [{ destination: 'etc/x', content: '{}' }] })).success).toBe(false);
    expect(ToolSchema.safeParse(tool({ with_files: [{ destination: '/etc/x' }] })).success).toBe(false);
    expect(ToolSchema.safeParse(tool({ with_volumes: [{ name: 'data', path: 'var/lib' }] })).success).toBe(false);
    expect(ToolSchema.safeParse(tool({ with_volumes: [{ name: 'Data_Volume', path: '/var/lib' }] })).success).toBe(false);
  });

  it('refuses lower-case or dashed env and secret names', () => {
    expect(ToolSchema.safeParse(tool({ env: ['kubiya_user_email'] })).success).toBe(false);
    expect(ToolSchema.safeParse(tool({ secrets: ['SLACK-TOKEN'] })).success).toBe(false);
  });
});

describe('BundleSchema', () => {
  it('refuses two tools of one name', () => {
    const result = BundleSchema.safeParse({ tools: [tool(), tool()], errors: [], python_bundle_version: '1' });
    expect(result.success).toBe(false);
    expect(messages(result)).toContain('describe_access_request');
  });

  it('accepts a bundle in Kubiya shape', () => {
    const result = BundleSchema.safeParse({ tools: [tool()], errors: [], python_bundle_version: '0.1.0' });
    expect(result.success).toBe(true);
  });
});
