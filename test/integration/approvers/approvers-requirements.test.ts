/**
 * `kubiya-jit approvers` shows each approval a request would need, for entries without owners too: one per
 * group with `approvals.each_group`, `required` people with `approvals.required`, and one for the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

describe('kubiya-jit approvers lists the requirements of the usual routing', () => {
  let h: LifecycleHarness;
  beforeAll(async () => {
    h = await LifecycleHarness.start((config) => {
      (config.directory as { groups: Record<string, string[]> }).groups['security-approvers'] = [PEOPLE.carol.email, PEOPLE.mallory.email];
      (config.tools as Record<string, unknown>[]).push(
        { name: 'rotate_keys', description: 'Rotate the signing keys', approver_groups: ['platform-approvers', 'security-approvers'], approvals: { each_group: true } },
        { name: 'drop_table', description: 'Drop a table', approver_groups: ['security-approvers'], approvals: { required: 2 } },
      );
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('one requirement per group with each_group, and the required count, leaving out the person asking', async () => {
    const each = await h.run(PEOPLE.alice.email, ['approvers', '--tool_name', 'rotate_keys']);
    expect(each.code, each.stdout).toBe(0);
    expect(each.json.requirements).toEqual([
      { requirement: 'platform-approvers', groups: ['platform-approvers'], targets: [], required: 1, approvers: [PEOPLE.bob.email, PEOPLE.dev.email] },
      { requirement: 'security-approvers', groups: ['security-approvers'], targets: [], required: 1, approvers: [PEOPLE.carol.email, PEOPLE.mallory.email] },
    ]);
    const two = await h.runText(PEOPLE.dev.email, ['approvers', '--tool_name', 'drop_table']);
    expect(two.stdout).toContain(`  - security-approvers: 2 approvals from different people, from ${PEOPLE.carol.email}, ${PEOPLE.mallory.email}`);
    // With carol asking, only mallory is left: the same refusal a request would get, before anything is stored.
    const short = await h.run(PEOPLE.carol.email, ['approvers', '--tool_name', 'drop_table']);
    expect(short.json.code, short.stdout).toBe('approvers.not_enough');
    const plain = await h.runText(PEOPLE.dev.email, ['approvers', '--tool_name', 'create_ec2']);
    expect(plain.stdout).not.toContain('Approvals needed');
  });
});
