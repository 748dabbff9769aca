/**
 * The people and Okta groups the demo seeds into its stand-ins. The groups are the ones the embedded
 * configs/jit.yaml and its knowledge documents name (requesters, default approvers, the routing allowlist),
 * so the default config runs unchanged; {@link missingGroups} lets the demo prove that.
 */

/** One person of the demo's organisation. */
export interface DemoPerson {
  /** Short name used in the story ("dana"). */
  name: string;
  email: string;
  /** Slack user id in the Slack stand-in; their DM channel is `D` + the rest of it. */
  slackId: string;
  status: 'ACTIVE' | 'SUSPENDED';
  groups: string[];
  /** Their part in the story, shown in the directory listing. */
  role: string;
}

const person = (name: string, status: DemoPerson['status'], groups: string[], role: string): DemoPerson => ({
  name,
  email: `${name}@example.com`,
  slackId: `U0${name.toUpperCase()}`,
  status,
  groups,
  role,
});

/** Everyone in the demo's Okta and Slack stand-ins. */
export const DEMO_PEOPLE = {
  dana: person('dana', 'ACTIVE', ['engineering', 'cloud-compute-owners'], 'engineer; asks for access (and owns compute herself)'),
  alice: person('alice', 'ACTIVE', ['cloud-compute-owners'], 'compute owner; approves'),
  bob: person('bob', 'ACTIVE', ['cloud-compute-owners', 'sre'], 'compute owner'),
  sam: person('sam', 'SUSPENDED', ['engineering', 'cloud-compute-owners'], 'suspended in Okta: never asked to approve'),
  priya: person('priya', 'ACTIVE', ['platform-approvers'], 'default approver for tools no document owns'),
  dmitri: person('dmitri', 'ACTIVE', ['data-platform-owners'], 'databases owner'),
  nora: person('nora', 'ACTIVE', ['network-owners'], 'network owner'),
  fiona: person('fiona', 'ACTIVE', ['finance-approvers'], 'billing owner'),
  kai: person('kai', 'ACTIVE', ['k8s-prod-owners'], 'production Kubernetes owner'),
} satisfies Record<string, DemoPerson>;

/** Every group any demo person is in, in first-seen order. */
export function demoGroups(): string[] {
  return [...new Set(Object.values(DEMO_PEOPLE).flatMap((p) => p.groups))];
}

/** The groups `configured` names that no demo person is in: the seed must cover the config. */
export function missingGroups(configured: string[]): string[] {
  const seeded = new Set(demoGroups());
  return [...new Set(configured)].filter((group) => !seeded.has(group));
}

/** "alice, bob, sam (SUSPENDED)": the members of a group as the directory listing shows them. */
export function membersOf(group: string): string {
  return Object.values(DEMO_PEOPLE)
    .filter((p) => p.groups.includes(group))
    .map((p) => (p.status === 'ACTIVE' ? p.name : `${p.name} (${p.status})`))
    .join(', ');
}
