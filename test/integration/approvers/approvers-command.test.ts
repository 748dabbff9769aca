import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PEOPLE } from '../../support/lifecycle-harness.js';
import { DATA_OWNERS, withOktaDeployment } from '../../support/okta-harness.js';

const RESTORE_ARGS = [
  '--tool_name', 'restore_rds_snapshot',
  '--tool_params', '{"snapshot_id": "orders-2024-05-01"}',
  '--justification', 'Restore the orders database snapshot to check the rows a bad migration changed',
];

describe.concurrent('kubiya-jit approvers: who would approve, and why, without creating a request', () => {
  it('names the people and the knowledge document that chose them, and creates nothing', () =>
    withOktaDeployment(async (d) => {
      const before = await d.footprint();
      const run = await d.run(undefined, ['approvers', ...RESTORE_ARGS]);
      expect(run.code, run.stdout).toBe(0);
      expect(run.json).toMatchObject({
        tool_name: 'restore_rds_snapshot',
        approvers: DATA_OWNERS,
        routing: { source: 'knowledge', groups: ['data-platform-owners'], matches: [expect.objectContaining({ document: 'databases.md' })] },
      });
      // The people came from Okta, and nothing was stored, posted or granted.
      expect(d.okta.requests.some((r) => /^\/api\/v1\/groups\/[^/]+\/users$/.test(r.path))).toBe(true);
      expect(await d.footprint()).toEqual(before);
    }));

  it('prints it for a person: the approvers, the groups and the reason', () =>
    withOktaDeployment(async (d) => {
      const before = await d.footprint();
      const run = await d.runText(PEOPLE.dev.email, ['approvers', ...RESTORE_ARGS]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`restore_rds_snapshot would be approved by ${DATA_OWNERS.join(', ')} (groups: data-platform-owners).`);
      expect(run.stdout).toMatch(/Why: restore_rds_snapshot is listed in knowledge document databases\.md \(score [\d.]+\), owned by data-platform-owners\./);
      expect(await d.footprint()).toEqual(before);
    }));

  it('leaves out the person asking, as a request would', () =>
    withOktaDeployment(async (d) => {
      const asOwner = await d.run(DATA_OWNERS[0], ['approvers', ...RESTORE_ARGS]);
      expect(asOwner.json.approvers).toEqual([DATA_OWNERS[1]]);
      // On a deployment with no database yet, approvers asks Okta without creating one (it would only be a cache).
      expect(existsSync(d.h.databasePath)).toBe(false);
    }));

  it('refuses a tool that is not in the catalog', () =>
    withOktaDeployment(async (d) => {
      const run = await d.run(undefined, ['approvers', '--tool_name', 'change_security_group_rule']);
      expect(run.code).toBe(1);
      expect(run.json.code).toBe('request.unknown_tool');
    }));
});
