/**
 * Routes realistic requests through the real MiniSearch index over the knowledge documents the package
 * ships in configs/knowledge, with the allowlist and threshold that docs/knowledge.md recommends.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeIndex, type SizedKnowledgeIndex } from '../../../scripts/adapters/knowledge/load-knowledge.js';
import { routeApprovers } from '../../../scripts/core/approver-routing.js';
import type { CatalogEntry } from '../../../scripts/core/catalog.js';
import { ValidationError } from '../../../scripts/core/errors.js';
import { DEFAULT_POLICY, type PolicySettings } from '../../../scripts/core/settings.js';
import type { Json } from '../../../scripts/core/types.js';

const SHIPPED = join(import.meta.dirname, '../../../configs/knowledge');

const policy: PolicySettings = {
  ...DEFAULT_POLICY,
  knowledgeMinScore: 8,
  knowledgeGroupAllowlist: ['cloud-compute-owners', 'data-platform-owners', 'network-owners', 'finance-approvers', 'k8s-prod-owners'],
  defaultApproverGroups: ['platform-approvers'],
};

function entry(name: string, description: string, extra: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    name,
    description,
    provider: 'enforcer',
    settings: {},
    maxTtlSeconds: 8 * 3600,
    defaultTtlSeconds: 3600,
    paramsSchema: { type: 'object' },
    validateParams: () => [],
    ...extra,
  };
}

const createEc2 = entry('create_ec2', 'Create an EC2 instance');
const sgRule = entry('change_security_group_rule', 'Add or remove a rule on a security group');

let shipped: SizedKnowledgeIndex;
let tmp: string;

beforeAll(async () => {
  shipped = await loadKnowledgeIndex(SHIPPED);
  tmp = await mkdtemp(join(tmpdir(), 'jit-knowledge-routing-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function route(e: CatalogEntry, params: Record<string, Json>, justification: string, p: PolicySettings = policy) {
  return routeApprovers({ entry: e, params, justification }, shipped, p);
}

describe('the shipped knowledge set', () => {
  it('loads five documents', () => {
    expect(shipped.size).toBe(5);
  });

  it.each([
    ['create_ec2 in eu-west-1', createEc2, { region: 'eu-west-1', instance_type: 't3.large' }, 'load test for the checkout service', 'cloud-compute-owners', 'compute.md'],
    ['restore rds snapshot', entry('restore_db_snapshot', 'Restore a database snapshot into a new instance'), { snapshot_id: 'orders-2024-06-01' }, 'restore rds snapshot to find the lost orders', 'data-platform-owners', 'databases.md'],
    ['open port 443 on a security group', sgRule, { group_id: 'sg-0a1b2c', port: 443, protocol: 'tcp' }, 'open port 443 on security group for the new API', 'network-owners', 'networking.md'],
    ['download invoice', entry('get_billing_document', 'Fetch a document from AWS Billing in the payer account'), { month: '2024-05' }, 'download invoice for accounts payable', 'finance-approvers', 'billing.md'],
    ['kubectl exec into a prod pod', entry('run_kubectl', 'Run a kubectl command'), { cluster: 'prod-eu-west-1', command: 'exec -it api-7f9c -- sh' }, 'kubectl exec into prod pod to debug the 500s', 'k8s-prod-owners', 'kubernetes-production.md'],
    ['a listed tool with no justification', entry('update_route53_record', 'Change a DNS record'), { zone: 'example.com', name: 'api' }, '', 'network-owners', 'networking.md'],
    ['Savings Plans, by prose alone', entry('aws_console_session', 'A console session in an AWS account'), { account: 'payer' }, 'review Savings Plans coverage and the Reserved Instances report', 'finance-approvers', 'billing.md'],
  ])('routes %s to its owners', async (_name, e, params, justification, group, document) => {
    const routing = await route(e, params, justification);
    expect(routing.source).toBe('knowledge');
    expect(routing.groups).toEqual([group]);
    expect(routing.matches?.[0]?.document).toBe(document);
    expect(routing.explanation).toMatch(new RegExp(`^${e.name} (matched|is listed in) knowledge document ${document.replace('.', '\\.')} \\(score \\d+(\\.\\d)?\\), owned by ${group}\\.$`));
  });
});

describe('near misses on the shipped knowledge set', () => {
  it('keeps an EC2 request with compute even when its justification is about a database', async () => {
    const routing = await route(createEc2, { region: 'eu-west-1' }, 'need a box to test the database migration against the staging RDS database snapshot restore');
    expect(routing.groups).toEqual(['cloud-compute-owners']);
    expect(routing.explanation).toMatch(/^create_ec2 is listed in knowledge document compute\.md/);
  });

  it('sends a listed security-group tool to networking even when the rule is for a database', async () => {
    const routing = await route(
      entry('authorize_security_group_ingress', 'Add an ingress rule to a security group'),
      { group_id: 'sg-rds-orders', port: 5432, source_group: 'sg-orders-app' },
      'allow the orders app to reach the orders RDS database',
    );
    expect(routing.groups).toEqual(['network-owners']);
  });

  it('asks both networking and data platform about an unlisted "security group for RDS" change', async () => {
    // No document lists the tool, and the request is as much about the database (RDS, postgres, 5432) as
    // about the security group. networking.md itself says opening a database port needs the data platform
    // team too, so asking both owners (either may approve) is the right call; picking one would be a coin toss.
    const routing = await route(sgRule, { group_id: 'sg-rds-orders', port: 5432 }, 'security group for RDS: let the new app reach the postgres database');
    expect(routing.groups).toEqual(['network-owners', 'data-platform-owners']);
    expect(routing.matches?.map((m) => m.document)).toEqual(['networking.md', 'databases.md']);
    expect(routing.explanation).toMatch(/^change_security_group_rule matched knowledge documents networking\.md .* and databases\.md .*, owned by data-platform-owners\.$/);
  });

  it('keeps a kubectl request with Kubernetes even when it mentions EC2 nodes', async () => {
    const routing = await route(entry('kubectl_exec', 'Exec into a pod'), { namespace: 'payments', pod: 'api-7f9c' }, 'the EC2 node under this pod looks unhealthy');
    expect(routing.groups).toEqual(['k8s-prod-owners']);
  });

  it('cannot be steered by repeating another team\'s words in the justification', async () => {
    const honest = await route(createEc2, { region: 'eu-west-1' }, 'load test');
    const stuffed = await route(createEc2, { region: 'eu-west-1' }, `load test ${'invoice budget billing '.repeat(40)}`);
    expect(honest.groups).toEqual(['cloud-compute-owners']);
    expect(stuffed.groups).toEqual(['cloud-compute-owners']);
  });

  it('falls back to the default approvers when nothing is relevant enough', async () => {
    const routing = await route(entry('order_lunch', 'Order lunch for the team'), { restaurant: 'Pizzeria' }, 'friday treat');
    expect(routing.source).toBe('default');
    expect(routing.groups).toEqual(['platform-approvers']);
  });

  it('does not route on an incidental overlap: S3 is mentioned only in passing by databases.md', async () => {
    // databases.md mentions S3 once (DynamoDB exports to "the analytics bucket"); nobody documents S3 buckets.
    // That overlap scores well below the threshold, so the request goes to the default approvers rather than
    // to a team that does not own it.
    const readBucket = entry('read_s3_bucket', 'Read objects in an S3 bucket');
    const hits = await shipped.search('read_s3_bucket read s3 bucket Read objects in an S3 bucket bucket logs-archive', 5);
    expect(hits[0]?.document).toBe('databases.md');
    expect(hits[0]!.score).toBeLessThan(policy.knowledgeMinScore);
    const routing = await route(readBucket, { bucket: 'logs-archive' }, 'check last week\'s logs');
    expect(routing.source).toBe('default');
  });

  it('refuses with approvers.none when nothing is relevant and there is no default', async () => {
    const err = await route(entry('order_lunch', 'Order lunch'), {}, 'friday', { ...policy, defaultApproverGroups: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe('approvers.none');
  });

  it('lets the config mapping win over a strong knowledge match', async () => {
    const routing = await route(entry('create_ec2', 'Create an EC2 instance', { approverGroups: ['ec2-sandbox-approvers'] }), { region: 'eu-west-1' }, 'load test');
    expect(routing).toEqual({ source: 'mapping', groups: ['ec2-sandbox-approvers'], explanation: 'create_ec2 is mapped to ec2-sandbox-approvers in the config.' });
  });
});

describe('a knowledge document naming a group outside the allowlist', () => {
  const rogue = '---\ntitle: EC2 fast lane\ngroups: [my-friends]\ntools: [create_ec2]\n---\n# EC2 fast lane\nEC2 instances, create_ec2, eu-west-1: my friends approve EC2 instance requests quickly.\n';

  it('cannot take a request away from the real owners', async () => {
    const dir = join(tmp, 'with-rogue');
    await cp(SHIPPED, dir, { recursive: true });
    await writeFile(join(dir, 'ec2-fast-lane.md'), rogue);
    const index = await loadKnowledgeIndex(dir);
    const routing = await routeApprovers({ entry: createEc2, params: { region: 'eu-west-1' }, justification: 'load test' }, index, policy);
    expect(routing.groups).toEqual(['cloud-compute-owners']);
    expect(routing.groups).not.toContain('my-friends');
    expect(routing.explanation).toContain('ignored my-friends named by ec2-fast-lane.md, not in the knowledge group allowlist');
  });

  it('falls back to the default approvers, or refuses, when it is the only match', async () => {
    // Billing shares no words with the request; the rogue page is the only match, and a strong one.
    const dir = join(tmp, 'only-rogue');
    await mkdir(dir);
    await cp(join(SHIPPED, 'billing.md'), join(dir, 'billing.md'));
    await writeFile(join(dir, 'ec2-fast-lane.md'), rogue);
    const index = await loadKnowledgeIndex(dir);
    const input = { entry: createEc2, params: { region: 'eu-west-1' }, justification: 'load test' };
    const routing = await routeApprovers(input, index, policy);
    expect(routing.source).toBe('default');
    expect(routing.groups).toEqual(['platform-approvers']);
    expect(routing.explanation).toContain('ec2-fast-lane.md names my-friends');
    const err = await routeApprovers(input, index, { ...policy, defaultApproverGroups: [] }).catch((e: unknown) => e);
    expect((err as ValidationError).code).toBe('approvers.none');
  });
});
