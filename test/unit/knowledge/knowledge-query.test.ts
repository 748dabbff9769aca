import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../../scripts/core/catalog.js';
import { buildKnowledgeQuery, MAX_KNOWLEDGE_QUERY_CHARS, splitIdentifier } from '../../../scripts/core/knowledge-query.js';

const ec2: CatalogEntry = {
  name: 'create_ec2',
  description: 'Create an EC2 instance',
  provider: 'enforcer',
  settings: {},
  maxTtlSeconds: 3600,
  defaultTtlSeconds: 3600,
  paramsSchema: { type: 'object' },
  validateParams: () => [],
};

describe('buildKnowledgeQuery', () => {
  it('joins the tool name (whole and split), description, parameters and justification', () => {
    const query = buildKnowledgeQuery(ec2, { region: 'eu-west-1', instanceType: 't3.micro', count: 2 }, '  load test\nfor the API ');
    expect(query).toBe('create_ec2 create ec2 Create an EC2 instance region eu-west-1 instanceType instance type t3.micro count 2 load test for the API');
  });

  it('walks nested objects and arrays, and skips booleans and nulls', () => {
    const query = buildKnowledgeQuery(ec2, { tags: { cost_center: 'cc-42' }, zones: ['a', 'b'], dry_run: true, note: null }, '');
    expect(query).toBe('create_ec2 create ec2 Create an EC2 instance tags cost_center cost center cc-42 zones a b dry_run dry run note');
  });

  it('bounds the query length whatever the justification', () => {
    const query = buildKnowledgeQuery(ec2, {}, 'database '.repeat(5000));
    expect(query.length).toBe(MAX_KNOWLEDGE_QUERY_CHARS);
    expect(query.startsWith('create_ec2 create ec2 Create an EC2 instance database')).toBe(true);
  });

  it('does not walk pathologically deep parameters', () => {
    let deep: Record<string, never> | Record<string, unknown> = { bottom: 'hidden' };
    for (let i = 0; i < 10; i++) deep = { level: deep };
    expect(buildKnowledgeQuery(ec2, deep as never, '')).not.toContain('hidden');
  });
});

describe('splitIdentifier', () => {
  it.each([
    ['create_ec2', 'create ec2'],
    ['restoreRdsSnapshot', 'restore rds snapshot'],
    ['kubectl-exec', 'kubectl exec'],
    ['kubectl', ''],
  ])('%s → %j', (identifier, words) => {
    expect(splitIdentifier(identifier)).toBe(words);
  });
});
