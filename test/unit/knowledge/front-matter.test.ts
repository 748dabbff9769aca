import { describe, expect, it } from 'vitest';
import { parseKnowledgeDocument } from '../../../scripts/adapters/knowledge/front-matter.js';
import { ConfigError } from '../../../scripts/core/errors.js';

const FILE = 'configs/knowledge/compute.md';

function parse(text: string) {
  return parseKnowledgeDocument(FILE, 'compute.md', text);
}

function parseError(text: string): ConfigError {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseKnowledgeDocument', () => {
  it('reads title, groups, tools and the body after the front matter', () => {
    const doc = parse('---\ntitle: Compute\ngroups: [cloud-compute-owners, " sre "]\ntools:\n  - create_ec2\n  - create_ec2\n---\n# EC2\nOwners.\n');
    expect(doc).toEqual({
      document: 'compute.md',
      title: 'Compute',
      groups: ['cloud-compute-owners', 'sre'],
      tools: ['create_ec2'],
      body: '# EC2\nOwners.\n',
    });
  });

  it('takes the title from the first heading, then the file name, when front matter has none', () => {
    expect(parse('---\ngroups: [g]\n---\nintro\n# Compute owners\n').title).toBe('Compute owners');
    expect(parse('---\ngroups: [g]\n---\nno heading').title).toBe('compute');
  });

  it('accepts CRLF line endings and a byte-order mark', () => {
    const doc = parse('\uFEFF---\r\ngroups: [g]\r\n---\r\nbody');
    expect(doc.groups).toEqual(['g']);
    expect(doc.body).toBe('body');
  });

  it.each([
    ['no front matter', '# Compute\ngroups: [g]\n', 'front matter', /has no front matter/],
    ['unclosed front matter', '---\ngroups: [g]\n# Compute\n', 'front matter', /never closed/],
    ['invalid YAML', '---\ngroups: [g\n---\n', 'front matter', /not valid YAML/],
    ['a list instead of a mapping', '---\n- g\n---\n', 'front matter', /not a mapping/],
    ['empty front matter', '---\n---\nbody', 'groups', /has no "groups" field/],
    ['missing groups', '---\ntitle: Compute\n---\n', 'groups', /has no "groups" field/],
    ['empty groups', '---\ngroups: []\n---\n', 'groups', /empty "groups" list/],
    ['groups as a string', '---\ngroups: cloud-compute-owners\n---\n', 'groups', /not a list/],
    ['a blank group', '---\ngroups: [g, "  "]\n---\n', 'groups', /entry 2 in "groups"/],
    ['a numeric group', '---\ngroups: [42]\n---\n', 'groups', /entry 1 in "groups"/],
    ['a tool that is not a name', '---\ngroups: [g]\ntools: ["rm -rf /"]\n---\n', 'tools', /lists "rm -rf \/"/],
    ['tools as a mapping', '---\ngroups: [g]\ntools: {a: b}\n---\n', 'tools', /not a list/],
    ['a non-string title', '---\ngroups: [g]\ntitle: [a]\n---\n', 'title', /"title" that is not/],
    ['a misspelt field', '---\ngroups: [g]\ntool: [create_ec2]\n---\n', 'tool', /unknown front matter field "tool"/],
  ])('rejects %s with a ConfigError naming the file and the field', (_name, text, field, message) => {
    const err = parseError(text);
    expect(err.code).toBe('config.invalid');
    expect(err.message).toContain(FILE);
    expect(err.message).toMatch(message);
    expect(err.detail).toEqual({ file: FILE, field });
  });
});
