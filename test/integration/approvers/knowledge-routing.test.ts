import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PEOPLE } from '../../support/lifecycle-harness.js';
import { COMPUTE_OWNER, DATA_OWNERS, type OktaDeployment, SHIPPED_KNOWLEDGE, withOktaDeployment } from '../../support/okta-harness.js';

const RESTORE = {
  tool_name: 'restore_rds_snapshot',
  tool_params: '{"snapshot_id": "orders-2024-05-01"}',
  justification: 'Restore the orders database snapshot to check the rows a bad migration changed',
};

/** A document written to route RDS restores to a group of friends, who are not in the allowlist. */
const FAST_LANE = `---
title: RDS snapshot restore fast lane
groups: [my-friends]
tools: [restore_rds_snapshot]
---
# RDS snapshot restore fast lane
Restore any RDS snapshot, database snapshot restore for orders, restore the snapshot quickly.
`;

type Routed = { source: string; groups: string[]; explanation: string; matches?: { document: string; score: number; groups: string[] }[] };

/** Writes a knowledge folder into the deployment's directory and points the config at it. */
function useKnowledge(d: OktaDeployment, name: string, files: Record<string, string>): void {
  const dir = join(d.h.dir, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  d.editConfig((config) => {
    (config.approvals as { knowledge: { dir: string } }).knowledge.dir = dir;
  });
}

const lastPost = (d: OktaDeployment) => JSON.stringify(d.h.messagesIn().at(-1)?.blocks ?? []);

describe.concurrent('approvers chosen from the knowledge documents, through the real CLI', () => {
  it('routes an unmapped tool to the group databases.md names, and says why in Slack, describe and the audit log', () =>
    withOktaDeployment(async (d) => {
      const run = await d.request(RESTORE);
      expect(run.code, run.stdout).toBe(0);
      const id = run.json.request_id as string;
      expect(run.json).toMatchObject({ approver_groups: ['data-platform-owners'], approvers: DATA_OWNERS });
      const routing = run.json.routing as Routed;
      expect(routing).toMatchObject({ source: 'knowledge', groups: ['data-platform-owners'] });
      const [match] = routing.matches!;
      expect(match).toMatchObject({ document: 'databases.md', groups: ['data-platform-owners'] });
      expect(match!.score).toBeGreaterThanOrEqual(8);
      expect(routing.explanation).toContain('databases.md');

      const slack = lastPost(d);
      expect(slack).toContain('Why them:');
      expect(slack).toContain(routing.explanation);
      expect(slack).toContain(`databases.md (score ${match!.score.toFixed(2)}) → data-platform-owners`);

      const described = await d.run(DATA_OWNERS[0], ['describe_access_request', '--request_id', id]);
      expect(described.code, described.stdout).toBe(0);
      expect(described.json.routing).toEqual(routing);

      const { events } = await d.stored();
      const routed = events.filter((e) => e.requestId === id && e.type === 'approvers_routed');
      expect(routed).toHaveLength(1);
      expect(routed[0]!.data).toMatchObject({
        source: 'knowledge',
        groups: ['data-platform-owners'],
        approvers: DATA_OWNERS,
        explanation: routing.explanation,
        matches: [{ document: 'databases.md', score: match!.score, groups: ['data-platform-owners'] }],
      });

      // The routing decides who may approve: a data platform owner can.
      const approved = await d.approve(id, DATA_OWNERS[1]!);
      expect(approved.json).toMatchObject({ status: 'access_granted', decided_by: DATA_OWNERS[1] });
    }));

  it('uses the config mapping for a mapped tool, although compute.md lists it for another group', () =>
    withOktaDeployment(async (d) => {
      const run = await d.request();
      expect(run.code, run.stdout).toBe(0);
      expect(run.json.routing).toEqual({
        source: 'mapping',
        groups: ['platform-approvers'],
        explanation: 'create_ec2 is mapped to platform-approvers in the config.',
      });
      expect(run.json.approvers).toEqual([PEOPLE.alice.email, PEOPLE.bob.email]);
      expect(run.json.approvers).not.toContain(COMPUTE_OWNER);
      expect(lastPost(d)).toContain('mapped to platform-approvers in the config');
      const { events } = await d.stored();
      expect(events.find((e) => e.type === 'approvers_routed')?.data).toMatchObject({ source: 'mapping', groups: ['platform-approvers'] });
    }));

  it('never routes to a group outside the allowlist: a document naming only one falls back to the default groups', () =>
    withOktaDeployment(async (d) => {
      useKnowledge(d, 'friends-only', { 'rds-fast-lane.md': FAST_LANE });
      const run = await d.request(RESTORE);
      expect(run.code, run.stdout).toBe(0);
      const routing = run.json.routing as Routed;
      expect(routing).toMatchObject({ source: 'default', groups: ['platform-approvers'] });
      expect(routing.explanation).toContain('rds-fast-lane.md names my-friends');
      expect(run.json.approvers).toEqual([PEOPLE.alice.email, PEOPLE.bob.email]);
    }));

  it('keeps only the allowlisted owner when a document names a friend group beside it', () =>
    withOktaDeployment(async (d) => {
      const databases = readFileSync(join(SHIPPED_KNOWLEDGE, 'databases.md'), 'utf8');
      const sneaky = databases.replace('groups: [data-platform-owners]', 'groups: [my-friends, data-platform-owners]');
      expect(sneaky).not.toBe(databases);
      useKnowledge(d, 'friends-and-owners', { 'rds-fast-lane.md': FAST_LANE, 'databases.md': sneaky });
      const run = await d.request(RESTORE);
      expect(run.code, run.stdout).toBe(0);
      const routing = run.json.routing as Routed;
      expect(routing).toMatchObject({ source: 'knowledge', groups: ['data-platform-owners'] });
      expect(routing.matches).toEqual([expect.objectContaining({ document: 'databases.md', groups: ['data-platform-owners'] })]);
      expect(routing.explanation).toMatch(/ignored my-friends named by databases\.md.*not in the knowledge group allowlist/);
      expect(run.json.approvers).toEqual(DATA_OWNERS);
      expect(lastPost(d)).toContain('ignored my-friends');
    }));
});
