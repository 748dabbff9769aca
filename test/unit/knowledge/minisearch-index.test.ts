import { describe, expect, it } from 'vitest';
import type { KnowledgeDocument } from '../../../scripts/adapters/knowledge/front-matter.js';
import { MiniSearchKnowledgeIndex } from '../../../scripts/adapters/knowledge/minisearch-index.js';

function doc(document: string, body: string, extra: Partial<KnowledgeDocument> = {}): KnowledgeDocument {
  return { document, title: document.replace('.md', ''), groups: [`${document.replace('.md', '')}-owners`], tools: [], body, ...extra };
}

const docs = [
  doc('compute.md', 'EC2 instances and Auto Scaling groups. Databases are not ours.', { tools: ['create_ec2'] }),
  doc('databases.md', 'RDS and Aurora database snapshots, database credentials, database restores.'),
  doc('billing.md', 'Invoices, budgets and Cost Explorer.'),
];
const index = new MiniSearchKnowledgeIndex(docs);

describe('MiniSearchKnowledgeIndex', () => {
  it('returns each match with its document, title, groups and tools, best first', async () => {
    const [first] = await index.search('create_ec2 create ec2', 5);
    expect(first).toMatchObject({ document: 'compute.md', title: 'compute', groups: ['compute-owners'], tools: ['create_ec2'] });
  });

  it('lets a document that lists the requested tool win clearly over prose about something else', async () => {
    // Three mentions of "database" against one exact tool name: the tool listing still decides, by a wide margin.
    const results = await index.search('create_ec2 create ec2 database database snapshot restore', 5);
    expect(results.map((r) => r.document).slice(0, 2)).toEqual(['compute.md', 'databases.md']);
    expect(results[0]!.score).toBeGreaterThan(1.5 * results[1]!.score);
  });

  it('matches a tool name only exactly in the tools field', async () => {
    const exact = await index.search('create_ec2', 5);
    const other = await index.search('create_ec2_spot', 5);
    expect(exact.map((r) => r.document)).toEqual(['compute.md']);
    expect(other.find((r) => r.document === 'compute.md')?.score ?? 0).toBeLessThan(exact[0]!.score);
  });

  it('folds plurals so a request meets a document however either is worded', async () => {
    const [result] = await index.search('download invoice', 5);
    expect(result?.document).toBe('billing.md');
    expect(await index.search('snapshot', 5)).toEqual(await index.search('Snapshots', 5));
  });

  it('counts a repeated word once, so a justification cannot steer routing by repetition', async () => {
    const once = await index.search('budget database', 5);
    const spammed = await index.search(`budget ${'database '.repeat(50)}`, 5);
    expect(spammed).toEqual(once);
  });

  it('ignores stop words and returns nothing for text with no shared term', async () => {
    expect(await index.search('the and of for with', 5)).toEqual([]);
    expect(await index.search('planning a picnic in Paris', 5)).toEqual([]);
    expect(await index.search('   ', 5)).toEqual([]);
  });

  it('honours the limit', async () => {
    expect(await index.search('groups database invoices', 1)).toHaveLength(1);
  });
});
