import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeDocuments, loadKnowledgeIndex } from '../../../scripts/adapters/knowledge/load-knowledge.js';
import { ConfigError } from '../../../scripts/core/errors.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jit-knowledge-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
}

describe('loadKnowledgeIndex', () => {
  it('gives an empty index for a missing folder', async () => {
    const index = await loadKnowledgeIndex(join(root, 'does-not-exist'));
    expect(index.size).toBe(0);
    expect(await index.search('create_ec2 create ec2', 10)).toEqual([]);
  });

  it('gives an empty index for an empty folder', async () => {
    const index = await loadKnowledgeIndex(await folder('empty', {}));
    expect(index.size).toBe(0);
    expect(await index.search('anything at all', 10)).toEqual([]);
  });

  it('reads only the .md files directly in the folder, in name order', async () => {
    const dir = await folder('mixed', {
      'b.md': '---\ngroups: [b-owners]\n---\n# B\nbeta',
      'a.MD': '---\ngroups: [a-owners]\n---\n# A\nalpha',
      'notes.txt': 'not knowledge',
      'README': 'not knowledge either',
    });
    await mkdir(join(dir, 'sub.md'));
    const docs = await loadKnowledgeDocuments(dir);
    expect(docs.map((d) => d.document)).toEqual(['a.MD', 'b.md']);
    expect((await loadKnowledgeIndex(dir)).size).toBe(2);
  });

  it('refuses a folder with a bad document, naming the file and the field', async () => {
    const dir = await folder('bad', {
      'good.md': '---\ngroups: [g]\n---\nfine',
      'networking.md': '---\ntitle: Networking\nowners: [network-owners]\n---\nbody',
    });
    const err = await loadKnowledgeIndex(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(join(dir, 'networking.md'));
    expect((err as ConfigError).message).toContain('"owners"');
    expect((err as ConfigError).detail).toEqual({ file: join(dir, 'networking.md'), field: 'owners' });
  });

  it('refuses a path that is a file, not a folder', async () => {
    const dir = await folder('file-parent', { 'x.md': '---\ngroups: [g]\n---\n' });
    const err = await loadKnowledgeIndex(join(dir, 'x.md')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('x.md cannot be read: ENOTDIR');
  });
});
