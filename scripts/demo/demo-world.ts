/**
 * The demo's whole deployment on one machine: the LOCAL STAND-INS for Slack, Okta and OPA on 127.0.0.1
 * (each speaks its vendor's wire protocol; none is the vendor), seeded with the demo's people, a temporary
 * folder holding the SQLite file and the operator log, and the environment each CLI run gets. The config is
 * the embedded configs/jit.yaml, unchanged: the stand-ins are reached only through environment variables.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOktaWireServer, type OktaWireServer } from '../standins/okta-wire-server.js';
import { startOpaWireServer, type OpaWireServer } from '../standins/opa-wire-server.js';
import { startSlackWireServer, type SlackWireServer, type WireMessage } from '../standins/slack-wire-server.js';
import { DEMO_PEOPLE, demoGroups, type DemoPerson } from './demo-people.js';

/** The approvers' channel id in the Slack stand-in. */
export const APPROVERS_CHANNEL = 'C0APPROVERS';
/** The Kubiya agent the Approve / Reject buttons talk to. */
export const AGENT_UUID = '6f1c2d3e-0000-4000-8000-00000000a9e1';

/** A running demo deployment. */
export class DemoWorld {
  readonly dir: string;
  readonly databasePath: string;
  readonly logPath: string;

  private constructor(
    readonly slack: SlackWireServer,
    readonly okta: OktaWireServer,
    readonly opa: OpaWireServer,
    dir: string,
  ) {
    this.dir = dir;
    this.databasePath = join(this.dir, 'jit.sqlite');
    this.logPath = join(this.dir, 'operator.log');
  }

  /** Starts the three stand-ins and seeds the Okta and Slack ones with {@link DEMO_PEOPLE}. */
  static async start(): Promise<DemoWorld> {
    const people = Object.values(DEMO_PEOPLE);
    // First, so that a temp folder that cannot be made fails before any server is listening.
    const dir = mkdtempSync(join(tmpdir(), 'kubiya-jit-demo-'));
    const [slack, okta, opa] = await Promise.all([
      startSlackWireServer({
        channels: [APPROVERS_CHANNEL],
        users: people.map((p) => ({ id: p.slackId, email: p.email, name: p.name })),
      }),
      startOktaWireServer(),
      startOpaWireServer(),
    ]);
    for (const group of demoGroups()) okta.addGroup(group);
    for (const p of people) {
      okta.addUser({ email: p.email, status: p.status, firstName: capitalise(p.name), lastName: 'Example' });
      for (const group of p.groups) okta.addMember(group, p.email);
    }
    return new DemoWorld(slack, okta, opa, dir);
  }

  /**
   * The environment of one CLI run as `person` (the runner's `KUBIYA_USER_EMAIL`), or of an operator command
   * when undefined. Nothing else from this process's environment leaks in, so a `JIT_CONFIG` or real
   * credentials in the reader's shell can never change what the demo does.
   */
  env(person: DemoPerson | undefined): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OKTA_ORG_URL: this.okta.orgUrl,
      OKTA_API_TOKEN: this.okta.token,
      ENFORCER_URL: this.opa.url,
      SLACK_API_URL: this.slack.apiUrl,
      SLACK_API_TOKEN: this.slack.token,
      APPROVERS_CHANNEL,
      KUBIYA_AGENT_UUID: AGENT_UUID,
      JIT_DATABASE: this.databasePath,
      JIT_LOG_FILE: this.logPath,
      ...(person ? { KUBIYA_USER_EMAIL: person.email } : {}),
    };
  }

  /** Messages the bot posted in the approvers' channel, in order. */
  approverMessages(): WireMessage[] {
    return this.slack.messages.filter((m) => m.channel === APPROVERS_CHANNEL);
  }

  /** Direct messages `person` received (the stand-in names a DM channel `D` + the user id's rest). */
  directMessagesTo(person: DemoPerson): WireMessage[] {
    const channel = `D${person.slackId.slice(1)}`;
    return this.slack.messages.filter((m) => m.channel === channel);
  }

  /** The Enforcer grants the OPA stand-in holds at `data.kubiya.jit.grants`, by grant id. */
  opaGrants(): Record<string, Record<string, unknown>> {
    const kubiya = this.opa.data.kubiya as { jit?: { grants?: Record<string, Record<string, unknown>> } } | undefined;
    return kubiya?.jit?.grants ?? {};
  }

  /** Stops the stand-ins; removes the temporary folder unless asked to keep it (for a failure's post-mortem). */
  async close(keepFiles = false): Promise<void> {
    await Promise.allSettled([this.slack.close(), this.okta.close(), this.opa.close()]);
    if (!keepFiles) rmSync(this.dir, { recursive: true, force: true });
  }
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
