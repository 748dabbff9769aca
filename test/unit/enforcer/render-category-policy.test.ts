import { describe, expect, it } from 'vitest';
import { categoryPolicyInput, DEFAULT_ADMIN_TOOLS } from '../../../scripts/adapters/enforcer/category-policy-config.js';
import { renderCategoryPolicy, type CategoryPolicyInput } from '../../../scripts/adapters/enforcer/render-category-policy.js';
import { ConfigError } from '../../../scripts/core/errors.js';

/**
 * Splits Rego text into its string literals (decoded) and a skeleton with every literal replaced by `"…"`
 * and comments dropped, following Rego's lexical rules for double-quoted strings and `#` comments.
 */
function lexRego(text: string): { skeleton: string; strings: string[] } {
  const strings: string[] = [];
  let skeleton = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '`') throw new Error('raw strings are not expected in the rendered policy');
    if (ch !== '"') {
      skeleton += ch;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && text[j] !== '"') {
      if (text[j] === '\n') throw new Error('unterminated string literal');
      j += text[j] === '\\' ? 2 : 1;
    }
    if (j >= text.length) throw new Error('unterminated string literal');
    strings.push(JSON.parse(text.slice(i, j + 1)) as string);
    skeleton += '"…"';
    i = j + 1;
  }
  return { skeleton, strings };
}

const benign: CategoryPolicyInput = {
  approverGroups: ['platform-approvers', 'k8s-prod-owners'],
  adminTools: ['approve_tool_access_request', 'list_active_access_requests', 'describe_access_request'],
  restrictedTools: ['create_ec2'],
  revokeTools: ['revoke_access'],
};

describe('renderCategoryPolicy', () => {
  const text = renderCategoryPolicy(benign);

  it('renders package kubiya.tool_manager with each category and no default of its own', () => {
    expect(text).toMatch(/^package kubiya\.tool_manager$/m);
    expect(text).toContain('import rego.v1');
    expect(text).toContain('jit_approver_groups := {"k8s-prod-owners", "platform-approvers"}');
    expect(text).toMatch(/jit_is_approver if \{\s+some group in jit_user_groups\s+group in jit_approver_groups\s+\}/);
    expect(text).toContain('jit_admin_tools := {"approve_tool_access_request", "describe_access_request", "list_active_access_requests"}');
    expect(text).toContain('jit_restricted_tools := {"create_ec2"}');
    expect(text).toContain('jit_revoke_tools := {"revoke_access"}');
    // jit_grants.rego owns the default; a second one would make OPA refuse the package.
    expect(lexRego(text).skeleton).not.toMatch(/\bdefault\b/);
    expect(lexRego(text).skeleton.match(/^allow if \{/gm)).toHaveLength(3);
  });

  it('reads groups given as strings and as objects with a name', () => {
    expect(text).toMatch(/jit_user_groups contains group if \{\s+some group in input\.user\.groups\s+is_string\(group\)/);
    expect(text).toMatch(/jit_user_groups contains name if \{\s+some group in input\.user\.groups\s+is_object\(group\)\s+name := group\.name/);
  });

  it('renders an empty category as an empty set, not an empty object', () => {
    expect(renderCategoryPolicy({ ...benign, restrictedTools: [] })).toContain('jit_restricted_tools := set()');
  });

  it.each([
    ['a quote that closes the string and opens a rule', 'x" } allow := true { "'],
    ['a backslash before the quote', 'x\\" } allow := true { "'],
    ['a comment marker', 'x" # \n allow := true'.replace('\n', '')],
    ['backticks and braces', '`x` {y} [z]'],
    ['unicode', 'outil_créer_ec2 ✓'],
  ])('keeps a hostile name (%s) inside one string literal', (_label, hostile) => {
    for (const place of ['tool', 'group'] as const) {
      const input =
        place === 'tool'
          ? { ...benign, restrictedTools: ['create_ec2', hostile] }
          : { ...benign, approverGroups: ['platform-approvers', hostile] };
      const hostileLex = lexRego(renderCategoryPolicy(input));
      const benignLex = lexRego(renderCategoryPolicy(place === 'tool' ? { ...benign, restrictedTools: ['create_ec2', 'other'] } : { ...benign, approverGroups: ['platform-approvers', 'other'] }));
      // Same structure as with a harmless name: nothing outside string literals changed.
      expect(hostileLex.skeleton).toBe(benignLex.skeleton);
      expect(hostileLex.strings).toContain(hostile);
    }
  });

  it('refuses control characters, an empty approver group, and a tool in two categories', () => {
    expect(() => renderCategoryPolicy({ ...benign, restrictedTools: ['x"\nallow := true\n#'] })).toThrow(ConfigError);
    expect(() => renderCategoryPolicy({ ...benign, approverGroups: [' '] })).toThrow(/approver_group/);
    expect(() => renderCategoryPolicy({ ...benign, approverGroups: [] })).toThrow(/approver_group/);
    expect(() => renderCategoryPolicy({ ...benign, restrictedTools: ['revoke_access'] })).toThrow(/both enforcer\.policy\.restricted_tools and enforcer\.policy\.revoke_tools|both enforcer\.policy\.revoke_tools and enforcer\.policy\.restricted_tools/);
  });
});

describe('categoryPolicyInput', () => {
  it('fills in the package tools as admin and revoke tools, and adds the catalog tools as restricted', () => {
    const input = categoryPolicyInput({ approver_group: 'ops', restricted_tools: ['a'] }, ['b', 'a']);
    expect(input).toEqual({ approverGroups: ['ops'], adminTools: [...DEFAULT_ADMIN_TOOLS], restrictedTools: ['a', 'b'], revokeTools: ['revoke_access'] });
  });
});
