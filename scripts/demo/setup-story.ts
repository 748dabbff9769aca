/**
 * The demo's opening: what runs where (the LOCAL STAND-INS, clearly not Slack, Okta or OPA), the embedded
 * config it uses unchanged, and the Okta directory it seeded, checked against every group that config and
 * its knowledge documents name.
 */
import { relative, resolve } from 'node:path';
import { loadKnowledgeDocuments } from '../adapters/knowledge/load-knowledge.js';
import { loadConfig, PACKAGE_ROOT } from '../config/load-config.js';
import type { LoadedConfig } from '../config/jit-config.js';
import { expectThat } from './demo-check.js';
import { CLI_PATH } from './demo-cli.js';
import { DEMO_PEOPLE, demoGroups, membersOf, missingGroups } from './demo-people.js';
import type { DemoSession } from './demo-session.js';
import { APPROVERS_CHANNEL } from './demo-world.js';

/** Prints the title and the setup, and checks the seeded directory covers the embedded config. */
export async function showSetup(session: DemoSession): Promise<void> {
  const { out, world } = session;
  // The same load the CLI does with no JIT_CONFIG: the embedded default.
  const config = await loadConfig({});
  out.title('kubiya-jit demo: just-in-time access, from the ask to the expiry', [
    'Every step runs the real compiled CLI as its own process, as Kubiya\'s runner does for each tool run',
    `(kubiya-jit = node ${relative(process.cwd(), CLI_PATH) || CLI_PATH}), with the person in KUBIYA_USER_EMAIL.`,
    'Slack, Okta and OPA are LOCAL STAND-INS on 127.0.0.1 that speak those vendors\' wire protocols.',
    'Nothing leaves this machine: no real Slack workspace, Okta org or OPA is reached, nobody is messaged.',
  ]);

  out.heading('Setup');
  out.note(`LOCAL STAND-IN for Slack (not Slack)  ${world.slack.apiUrl}   approvers' channel ${APPROVERS_CHANNEL}`);
  out.note(`LOCAL STAND-IN for Okta (not Okta)    ${world.okta.orgUrl}`);
  out.note(`LOCAL STAND-IN for OPA (not OPA)      ${world.opa.url}   decisions mirror configs/enforcer/jit_grants.rego`);
  out.note(`Config: ${relative(PACKAGE_ROOT, config.path)}, the embedded default, unchanged (directory ${config.file.directory?.type}, ` +
    `enforcer ${config.file.enforcer?.type}, approvers routed by knowledge documents).`);
  out.note('It reaches the stand-ins only through the environment: OKTA_ORG_URL, OKTA_API_TOKEN, ENFORCER_URL, SLACK_API_URL,');
  out.note('SLACK_API_TOKEN, APPROVERS_CHANNEL, KUBIYA_AGENT_UUID, JIT_DATABASE, JIT_LOG_FILE.');
  out.note(`Database: ${world.databasePath} (SQLite)`);
  out.note('Okta directory (stand-in), by group:');
  const width = Math.max(...demoGroups().map((g) => g.length));
  for (const group of demoGroups()) out.note(`  ${group.padEnd(width)}  ${membersOf(group)}`);

  const needed = await configuredGroups(config);
  const missing = missingGroups(needed);
  expectThat(missing.length === 0, 'setup', `the demo's Okta seed lacks groups the embedded config names: ${missing.join(', ')}.`);
  const suspended = Object.values(DEMO_PEOPLE).filter((p) => p.status !== 'ACTIVE').map((p) => p.name);
  out.ok(`every group configs/jit.yaml and its knowledge documents name is seeded (${needed.length}); suspended: ${suspended.join(', ')}`);
}

/** Every group the config can route to or check: requesters, default and per-tool approvers, the allowlist, documents. */
async function configuredGroups(config: LoadedConfig): Promise<string[]> {
  const file = config.file;
  const perEntry = [...(file.tools ?? []), ...((file.policies ?? []) as { approver_groups?: string[] }[])].flatMap((e) => e.approver_groups ?? []);
  const knowledge = file.approvals?.knowledge;
  const documents = knowledge ? await loadKnowledgeDocuments(resolve(config.dir, knowledge.dir ?? 'knowledge')) : [];
  return [
    ...new Set([
      ...(file.requesters?.allowed_groups ?? []),
      ...(file.approvals?.default_approver_groups ?? []),
      ...(knowledge?.allowlist ?? []),
      ...perEntry,
      ...documents.flatMap((d) => d.groups),
    ]),
  ];
}
