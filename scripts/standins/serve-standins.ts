/**
 * `npm run standins`: starts the LOCAL STAND-INS for Slack's Web API and OPA's REST API (wire-level local
 * servers, not the vendors) so kubiya-jit can be tried by hand with configs/examples/local.yaml, prints the
 * `export …` lines that point the CLI at them, echoes what the approvers' channel, the people's DMs and the
 * Enforcer receive, and stays up until Ctrl-C.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { CommandSpec } from '../cli/command-spec.js';
import { commandHelp } from '../cli/help-text.js';
import { parseCommand } from '../cli/parse-command.js';
import { isJitError } from '../core/errors.js';
import { PACKAGE_ROOT } from '../config/load-config.js';
import { standinPeople } from './standin-people.js';
import { startOpaWireServer, type OpaWireServer } from './opa-wire-server.js';
import { startSlackWireServer, type SlackWireServer } from './slack-wire-server.js';

/** The approvers' channel in the Slack stand-in, and the Kubiya agent its buttons address. */
const CHANNEL = 'C0APPROVERS';
const AGENT_UUID = '6f1c2d3e-0000-4000-8000-00000000a9e1';

const SPEC: CommandSpec = {
  name: 'standins',
  summary: 'start the local Slack and OPA stand-ins and print the environment that points kubiya-jit at them',
  options: [
    { name: 'config', type: 'file', placeholder: 'FILE', description: 'the config to export as JIT_CONFIG, whose people Slack knows (default: configs/examples/local.yaml)' },
    { name: 'database', type: 'file', placeholder: 'FILE', description: 'the SQLite file to export as JIT_DATABASE (default: a new one in a temporary folder, removed at Ctrl-C)' },
    { name: 'slack-port', type: 'port', placeholder: 'PORT', description: 'the Slack stand-in\'s port (default 3033; 0: any free port)' },
    { name: 'opa-port', type: 'port', placeholder: 'PORT', description: 'the OPA stand-in\'s port (default 8181, the URL local.yaml names; 0: any free port)' },
  ],
};

async function main(): Promise<number> {
  const parsed = parseCommand(process.argv.slice(2), SPEC);
  if (parsed.help) {
    process.stdout.write(`${commandHelp(SPEC).human.replace('kubiya-jit standins', 'npm run standins --')}\n`);
    return 0;
  }
  const config = resolve(typeof parsed.values.config === 'string' ? parsed.values.config : join(PACKAGE_ROOT, 'configs', 'examples', 'local.yaml'));
  const scratch = typeof parsed.values.database === 'string' ? undefined : mkdtempSync(join(tmpdir(), 'kubiya-jit-local-'));
  const database = scratch ? join(scratch, 'jit.sqlite') : resolve(parsed.values.database as string);
  if (!scratch) mkdirSync(dirname(database), { recursive: true });
  const people = await standinPeople(config);
  let slack: SlackWireServer | undefined;
  let opa: OpaWireServer | undefined;
  try {
    slack = await listen('Slack', Number(parsed.values['slack-port'] ?? 3033), (port) => startSlackWireServer({ channels: [CHANNEL], users: people, port }));
    opa = await listen('OPA', Number(parsed.values['opa-port'] ?? 8181), (port) => startOpaWireServer({ port }));
  } catch (err) {
    await Promise.allSettled([slack?.close(), opa?.close()]);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
  const exports = {
    JIT_CONFIG: config,
    JIT_DATABASE: database,
    SLACK_API_URL: slack.apiUrl,
    SLACK_API_TOKEN: slack.token,
    APPROVERS_CHANNEL: CHANNEL,
    KUBIYA_AGENT_UUID: AGENT_UUID,
    ENFORCER_URL: opa.url,
  };
  const print = (line = '') => process.stdout.write(`${line}\n`);
  print('LOCAL STAND-INS are running on 127.0.0.1. They speak the wire protocols of Slack\'s Web API and of OPA\'s');
  print('REST API; they are not Slack or OPA, and nothing leaves this machine.');
  print(`  Slack stand-in  ${slack.apiUrl}  (channel ${CHANNEL}; people: ${people.map((p) => p.email).join(', ')})`);
  print(`  OPA stand-in    ${opa.url}  (grants at ${opa.url}/v1/data/kubiya/jit/grants)`);
  print();
  print('Paste these lines into the shell you run kubiya-jit from:');
  print();
  for (const [name, value] of Object.entries(exports)) print(`export ${name}=${shellQuote(value)}`);
  print();
  print(`What the approvers' channel, the DMs and the Enforcer receive is echoed below. Ctrl-C stops the stand-ins${scratch ? ' and removes the database' : ''}.`);
  const echo = startEcho(slack, opa, print);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  clearInterval(echo);
  await Promise.allSettled([slack.close(), opa.close()]);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  print('Stand-ins stopped.');
  return 0;
}

/** Starts a stand-in on `port`, turning a port in use into a message that says how to pick another. */
async function listen<T>(name: string, port: number, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (err) {
    if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
    throw new Error(`Port ${port} is in use, so the ${name} stand-in cannot start there. Pick another with --${name.toLowerCase()}-port PORT (0: any free one).`);
  }
}

/** Prints each new Slack message (and its updates) and each Enforcer write, as they arrive. */
function startEcho(slack: SlackWireServer, opa: OpaWireServer, print: (line: string) => void): NodeJS.Timeout {
  const versions = new Map<unknown, number>();
  let opaSeen = 0;
  return setInterval(() => {
    for (const message of slack.messages) {
      const history = message.history.length;
      if (versions.get(message) === history) continue;
      versions.set(message, history);
      const where = message.channel === CHANNEL ? 'approvers\' channel' : `DM ${message.channel}`;
      print(`[slack ${where}] ${(message.text ?? '').replace(/\s+/g, ' ').slice(0, 300)}`);
    }
    for (const request of opa.requests.slice(opaSeen)) print(`[opa] ${request.method} ${decodeURIComponent(request.path)} → ${request.status}`);
    opaSeen = opa.requests.length;
  }, 200);
}

/** Quotes a value for a POSIX shell's `export`, whatever it holds. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`npm run standins: ${isJitError(err) || err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
