import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE } from '../../support/lifecycle-harness.js';
import { OktaDeployment } from '../../support/okta-harness.js';

const GROUP = 'sre-oncall';
const ACTIVE_MEMBERS = Array.from({ length: 450 }, (_, i) => `sre${String(i).padStart(3, '0')}@example.com`);
const SUSPENDED_MEMBER = 'sre-suspended@example.com';
const DEPROVISIONED_MEMBER = 'sre-gone@example.com';

describe('an approver group of 450 people over three Okta pages, through the real CLI', () => {
  let d: OktaDeployment;
  let requestId: string;
  let approvers: string[];
  /** The ACTIVE member Okta returns last (pages are in id order), so only on the third page. */
  let lastOnLastPage: string;

  beforeAll(async () => {
    d = await OktaDeployment.start({
      configure: (config) => {
        const tools = config.tools as Record<string, unknown>[];
        tools[0] = { ...tools[0], approver_groups: [GROUP] };
      },
    });
    d.okta.addGroup(GROUP);
    const ids = new Map<string, string>();
    for (const email of ACTIVE_MEMBERS) {
      ids.set(d.okta.addUser({ email, status: 'ACTIVE' }), email);
      d.okta.addMember(GROUP, email);
    }
    lastOnLastPage = ids.get([...ids.keys()].sort().at(-1)!)!;
    d.okta.addUser({ email: SUSPENDED_MEMBER, status: 'SUSPENDED' });
    d.okta.addUser({ email: DEPROVISIONED_MEMBER, status: 'DEPROVISIONED' });
    // The requester is a member too: they must not be asked to approve their own request.
    for (const email of [SUSPENDED_MEMBER, DEPROVISIONED_MEMBER, PEOPLE.dev.email]) d.okta.addMember(GROUP, email);
  });
  afterAll(async () => d.close());

  it('lists every ACTIVE member from every page, without the requester and the inactive ones', async () => {
    d.okta.clearRequests();
    const run = await d.request();
    expect(run.code, run.stdout).toBe(0);
    requestId = run.json.request_id as string;
    approvers = run.json.approvers as string[];
    expect(approvers).toEqual([...ACTIVE_MEMBERS].sort());
    expect(approvers).not.toContain(PEOPLE.dev.email);
    expect(approvers).not.toContain(SUSPENDED_MEMBER);
    expect(approvers).not.toContain(DEPROVISIONED_MEMBER);

    // 453 members at Okta's 200 a page: three pages, each asked with limit=200, the later ones by cursor.
    const pages = d.okta.requests.filter((r) => /^\/api\/v1\/groups\/[^/]+\/users$/.test(r.path));
    expect(pages).toHaveLength(3);
    expect(pages.every((p) => p.query.limit === '200' && p.status === 200)).toBe(true);
    expect(pages.map((p) => p.query.after !== undefined)).toEqual([false, true, true]);
  });

  it('stores the same list, and shows the approvers in Slack', async () => {
    const stored = await d.storedRequest(requestId);
    expect(stored?.approvers).toEqual(approvers);
    expect(stored?.approverGroups).toEqual([GROUP]);
    const message = JSON.stringify(d.h.messagesIn()[0]?.blocks ?? []);
    expect(message).toContain(ACTIVE_MEMBERS[0]);
    expect(message).not.toContain(SUSPENDED_MEMBER);
  });

  it('lets a member found only on the last page approve; the suspended member cannot', async () => {
    const refused = await d.approve(requestId, SUSPENDED_MEMBER);
    expect(refused.json.code, refused.stdout).toBe('approval.not_eligible');
    const run = await d.approve(requestId, lastOnLastPage);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json).toMatchObject({ status: 'access_granted', decided_by: lastOnLastPage });
    expect(d.h.grants()[requestId]).toMatchObject({ approved_by: lastOnLastPage });
  });
});
