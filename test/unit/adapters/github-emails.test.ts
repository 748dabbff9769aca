import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEmailIndex, linkForAccount, readEmailMapping } from '../../../scripts/adapters/github/github-emails.js';

const dir = mkdtempSync(join(tmpdir(), 'jit-gh-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function refusal(path: string): Promise<string> {
  try {
    await readEmailMapping(path);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the mapping to be refused');
}

describe('the GitHub email mapping file', () => {
  it('reads JSON lists and YAML "people" lists, lower-casing emails', async () => {
    expect(await readEmailMapping(file('a.json', '[{"email": "Ana@Example.com", "id": 12}]'))).toEqual([{ email: 'ana@example.com', id: 12, source: 'mapping file' }]);
    expect(await readEmailMapping(file('b.yaml', 'people:\n  - email: bo@example.com\n    login: bo-gh\n'))).toEqual([{ email: 'bo@example.com', login: 'bo-gh', source: 'mapping file' }]);
  });

  it('refuses each bad entry naming the file, the key and the entry', async () => {
    expect(await refusal(join(dir, 'missing.json'))).toContain('directory.email_mapping');
    expect(await refusal(file('c.json', '{not json'))).toContain('not valid JSON');
    expect(await refusal(file('d.json', '{"a": 1}'))).toContain('must be a list');
    expect(await refusal(file('e.json', '[{"email": "not-an-email", "id": 1}]'))).toContain('entry 1: email');
    expect(await refusal(file('f.json', '[{"email": "a@example.com"}]'))).toContain('login or (better, it never changes) its numeric id');
    expect(await refusal(file('g.json', '[{"email": "a@example.com", "id": 1}, {"email": "A@example.com", "id": 2}]'))).toContain('listed twice');
    expect(await refusal(file('h.json', '[{"email": "a@example.com", "id": "12"}]'))).toContain('numeric GitHub id');
    expect(await refusal(file('i.json', '[{"email": "a@example.com", "login": "bad login!"}]'))).toContain('not a GitHub login');
  });
});

describe('the email index', () => {
  const saml = [
    { login: 'ana', id: 1, email: 'ana@example.com' },
    { login: 'bo', id: 2, email: 'bo@example.com' },
    { login: 'cy', id: 3, email: 'shared@example.com' },
  ];

  it('lets the mapping file win for an account it names, by id, and matches accounts by id before login', () => {
    const index = buildEmailIndex([{ email: 'bo.real@example.com', id: 2, source: 'mapping file' }], saml);
    expect(linkForAccount(index, { id: 2, login: 'bo' })?.email).toBe('bo.real@example.com');
    expect(linkForAccount(index, { id: 1, login: 'renamed' })?.email).toBe('ana@example.com');
    // A login taken over by another account (a new id) is not the person the mapping named by id.
    expect(linkForAccount(index, { id: 99, login: 'bo' })).toBeUndefined();
  });

  it('marks an email two accounts claim as ambiguous, matching nobody', () => {
    const index = buildEmailIndex([{ email: 'shared@example.com', login: 'dee', source: 'mapping file' }], saml);
    expect(index.ambiguous).toEqual(['shared@example.com']);
  });
});
