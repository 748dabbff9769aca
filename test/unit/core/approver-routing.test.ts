import { describe, expect, it } from 'vitest';
import { KNOWLEDGE_MAX_TIED, KNOWLEDGE_TIE_RATIO, routeApprovers } from '../../../scripts/core/approver-routing.js';
import type { CatalogEntry } from '../../../scripts/core/catalog.js';
import { ValidationError } from '../../../scripts/core/errors.js';
import type { KnowledgeIndex, KnowledgeMatch } from '../../../scripts/core/ports.js';
import { DEFAULT_POLICY, type PolicySettings } from '../../../scripts/core/settings.js';

/** A fixed-answer knowledge index: the routing rules are under test here, not the ranking. */
class FixedKnowledge implements KnowledgeIndex {
  readonly queries: string[] = [];
  constructor(private readonly matches: KnowledgeMatch[]) {}
  async search(query: string, limit: number): Promise<KnowledgeMatch[]> {
    this.queries.push(query);
    return this.matches.slice(0, limit);
  }
}

function entry(name: string, extra: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    name,
    description: `Run ${name}`,
    provider: 'enforcer',
    settings: {},
    maxTtlSeconds: 3600,
    defaultTtlSeconds: 3600,
    paramsSchema: { type: 'object' },
    validateParams: () => [],
    ...extra,
  };
}

function match(document: string, score: number, groups: string[]): KnowledgeMatch {
  return { document, title: document, score, groups, tools: [] };
}

const policy: PolicySettings = {
  ...DEFAULT_POLICY,
  knowledgeMinScore: 5,
  knowledgeGroupAllowlist: ['cloud-compute-owners', 'data-platform-owners', 'network-owners'],
  defaultApproverGroups: ['platform-approvers'],
};
const input = { entry: entry('create_ec2'), params: { region: 'eu-west-1' }, justification: 'load test' };

describe('routeApprovers: the explicit mapping', () => {
  it('wins over retrieval and does not even search', async () => {
    const knowledge = new FixedKnowledge([match('compute.md', 30, ['cloud-compute-owners'])]);
    const routing = await routeApprovers({ ...input, entry: entry('create_ec2', { approverGroups: ['ec2-admins', 'ec2-admins'] }) }, knowledge, policy);
    expect(routing).toEqual({ source: 'mapping', groups: ['ec2-admins'], explanation: 'create_ec2 is mapped to ec2-admins in the config.' });
    expect(knowledge.queries).toEqual([]);
  });

  it('is not used when the entry names an empty list', async () => {
    const knowledge = new FixedKnowledge([match('compute.md', 30, ['cloud-compute-owners'])]);
    const routing = await routeApprovers({ ...input, entry: entry('create_ec2', { approverGroups: [] }) }, knowledge, policy);
    expect(routing.source).toBe('knowledge');
  });
});

describe('routeApprovers: knowledge retrieval', () => {
  it('routes to the best match, with its document and rounded score, and searches with the request', async () => {
    const knowledge = new FixedKnowledge([match('compute.md', 7.4321, ['cloud-compute-owners']), match('networking.md', 5.2, ['network-owners'])]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing).toEqual({
      source: 'knowledge',
      groups: ['cloud-compute-owners'],
      matches: [{ document: 'compute.md', score: 7.43, groups: ['cloud-compute-owners'] }],
      explanation: 'create_ec2 matched knowledge document compute.md (score 7.4), owned by cloud-compute-owners.',
    });
    expect(knowledge.queries).toEqual(['create_ec2 create ec2 Run create_ec2 region eu-west-1 load test']);
  });

  it('ranks by score itself rather than trusting the index order', async () => {
    const knowledge = new FixedKnowledge([match('networking.md', 6, ['network-owners']), match('compute.md', 20, ['cloud-compute-owners'])]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing.groups).toEqual(['cloud-compute-owners']);
  });

  it('asks the owners of a near tie too, and says so', async () => {
    const second = 10 * KNOWLEDGE_TIE_RATIO;
    const knowledge = new FixedKnowledge([match('networking.md', 10, ['network-owners']), match('databases.md', second, ['data-platform-owners'])]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing.groups).toEqual(['network-owners', 'data-platform-owners']);
    expect(routing.matches?.map((m) => m.document)).toEqual(['networking.md', 'databases.md']);
    expect(routing.explanation).toBe(
      'create_ec2 matched knowledge documents networking.md (score 10), owned by network-owners and databases.md (score 8), owned by data-platform-owners.',
    );
  });

  it('does not ask a runner-up just below the tie band', async () => {
    const knowledge = new FixedKnowledge([match('networking.md', 10, ['network-owners']), match('databases.md', 10 * KNOWLEDGE_TIE_RATIO - 0.01, ['data-platform-owners'])]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing.groups).toEqual(['network-owners']);
  });

  it(`caps a tie at ${KNOWLEDGE_MAX_TIED} documents`, async () => {
    const knowledge = new FixedKnowledge([
      match('a.md', 10, ['cloud-compute-owners']),
      match('b.md', 9.9, ['network-owners']),
      match('c.md', 9.8, ['data-platform-owners']),
    ]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing.matches).toHaveLength(KNOWLEDGE_MAX_TIED);
    expect(routing.groups).not.toContain('data-platform-owners');
  });

  it('puts a document listing the requested tool before a higher-scoring one that only shares words', async () => {
    const knowledge = new FixedKnowledge([
      match('databases.md', 40, ['data-platform-owners']),
      { ...match('compute.md', 12, ['cloud-compute-owners']), tools: ['create_ec2', 'stop_ec2_instance'] },
    ]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing.groups).toEqual(['cloud-compute-owners']);
    expect(routing.explanation).toBe('create_ec2 is listed in knowledge document compute.md (score 12), owned by cloud-compute-owners.');
  });

  it('counts a document listing the requested tool even below the minimum score', async () => {
    const knowledge = new FixedKnowledge([{ ...match('compute.md', 1.5, ['cloud-compute-owners']), tools: ['create_ec2'] }]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing.source).toBe('knowledge');
    expect(routing.groups).toEqual(['cloud-compute-owners']);
  });

  it('does not let a listing document name a group outside the allowlist', async () => {
    const knowledge = new FixedKnowledge([
      { ...match('rogue.md', 90, ['my-friends']), tools: ['create_ec2'] },
      match('compute.md', 12, ['cloud-compute-owners']),
    ]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing.groups).toEqual(['cloud-compute-owners']);
    expect(routing.explanation).toContain('ignored my-friends named by rogue.md');
  });

  it('ignores matches below the minimum score', async () => {
    const knowledge = new FixedKnowledge([match('compute.md', 4.99, ['cloud-compute-owners'])]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing).toEqual({
      source: 'default',
      groups: ['platform-approvers'],
      explanation:
        'create_ec2 has no approver mapping and no knowledge document reached the minimum score of 5, so the default approver groups apply: platform-approvers.',
    });
  });

  it('counts a match exactly at the minimum score', async () => {
    const routing = await routeApprovers(input, new FixedKnowledge([match('compute.md', 5, ['cloud-compute-owners'])]), policy);
    expect(routing.source).toBe('knowledge');
  });
});

describe('routeApprovers: the knowledge group allowlist', () => {
  it('drops groups a document names outside the allowlist, and records what was dropped', async () => {
    const knowledge = new FixedKnowledge([match('compute.md', 12, ['cloud-compute-owners', 'everyone'])]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing.groups).toEqual(['cloud-compute-owners']);
    expect(routing.matches).toEqual([{ document: 'compute.md', score: 12, groups: ['cloud-compute-owners'] }]);
    expect(routing.explanation).toBe(
      'create_ec2 matched knowledge document compute.md (score 12), owned by cloud-compute-owners; ignored everyone named by compute.md, not in the knowledge group allowlist.',
    );
  });

  it('never routes to a top-ranked document whose groups are all outside the allowlist', async () => {
    const knowledge = new FixedKnowledge([match('rogue.md', 50, ['my-friends']), match('compute.md', 12, ['cloud-compute-owners'])]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing.groups).toEqual(['cloud-compute-owners']);
    expect(routing.explanation).toContain('ignored my-friends named by rogue.md');
  });

  it('falls back to the default groups when only non-allowlisted groups matched', async () => {
    const knowledge = new FixedKnowledge([match('rogue.md', 50, ['my-friends']), match('other.md', 20, ['also-mine'])]);
    const routing = await routeApprovers(input, knowledge, policy);
    expect(routing.source).toBe('default');
    expect(routing.groups).toEqual(['platform-approvers']);
    expect(routing.explanation).toBe(
      'create_ec2 has no approver mapping and the knowledge documents that matched name no allowlisted group (rogue.md names my-friends, and 1 more), so the default approver groups apply: platform-approvers.',
    );
  });

  it('refuses rather than route to a non-allowlisted group when there is no default', async () => {
    const knowledge = new FixedKnowledge([match('rogue.md', 50, ['my-friends'])]);
    const err = await routeApprovers(input, knowledge, { ...policy, defaultApproverGroups: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe('approvers.none');
  });

  it('routes nowhere through knowledge when the allowlist is empty', async () => {
    const knowledge = new FixedKnowledge([match('compute.md', 30, ['cloud-compute-owners'])]);
    const routing = await routeApprovers(input, knowledge, { ...policy, knowledgeGroupAllowlist: [] });
    expect(routing.source).toBe('default');
  });
});

describe('routeApprovers: nothing found', () => {
  it('uses the default groups when no knowledge is loaded', async () => {
    const routing = await routeApprovers(input, undefined, policy);
    expect(routing).toEqual({
      source: 'default',
      groups: ['platform-approvers'],
      explanation: 'create_ec2 has no approver mapping and no knowledge documents are loaded, so the default approver groups apply: platform-approvers.',
    });
  });

  it('throws approvers.none naming the tool and what the admin should configure', async () => {
    const err = await routeApprovers(input, new FixedKnowledge([]), { ...policy, defaultApproverGroups: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe('approvers.none');
    expect((err as ValidationError).message).toMatch(/^No approver group was found for create_ec2/);
    expect((err as ValidationError).message).toContain('map this tool to approver groups in the config (approver_groups on create_ec2)');
    expect((err as ValidationError).message).toContain('approvals.default_approver_groups');
    expect((err as ValidationError).detail).toEqual({ tool: 'create_ec2' });
  });
});
