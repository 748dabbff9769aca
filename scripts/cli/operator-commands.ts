/**
 * The operator commands: each one's declarative spec (what it accepts, whether it may create the database)
 * and the module that runs it, loaded only when that command runs. Help, the parser and the dispatcher all
 * read this one list; a command that is not here does not exist.
 */
import type { AppContext } from '../app/app-context.js';
import type { CommandResult } from '../handlers/handler.js';
import type { CommandSpec, ParsedCommand } from './command-spec.js';

/** One operator command: its spec and how to run it once parsed. */
export interface OperatorCommand {
  spec: CommandSpec;
  /** Runs the parsed command; absent for `help`, which needs no config. */
  run?(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult>;
}

const out = (what: string) => ({ name: 'out', type: 'file', placeholder: 'FILE', description: what }) as const;

/** Every operator command, in the order help lists them. */
export const OPERATOR_COMMANDS: readonly OperatorCommand[] = [
  {
    spec: {
      name: 'worker',
      summary: 'end grants at their expiry, continuously (sleeps until the next one)',
      options: [
        { name: 'max-runtime', type: 'duration', placeholder: 'DURATION', description: 'stop after this long, e.g. 10m, 1h, 1d (default: run until SIGTERM)' },
        { name: 'metrics-port', type: 'text', placeholder: 'PORT', description: 'serve /healthz, /readyz and Prometheus /metrics on this port (0: any free one) and log JSON lines to stdout' },
        { name: 'metrics-host', type: 'text', placeholder: 'HOST', description: 'the address to serve them on (default 0.0.0.0)' },
      ],
      database: 'create',
    },
    run: async (ctx, parsed) => (await import('./commands/worker-command.js')).workerCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'sweep',
      summary: 'end every grant whose time has come, once (expiries, warnings, timeouts, retries)',
      options: [],
      database: 'create',
      notes: ['Exits 1 while a removal is still failing.'],
    },
    run: async (ctx) => (await import('./commands/worker-command.js')).sweepCommand(ctx),
  },
  {
    spec: {
      name: 'approvers',
      summary: 'who would approve such a request, and why, without creating one',
      options: [
        { name: 'tool_name', type: 'text', required: true, placeholder: 'NAME', description: 'the tool or access entry, e.g. create_ec2' },
        { name: 'tool_params', type: 'text', placeholder: 'JSON', description: 'its parameters as a JSON object, e.g. \'{"region":"eu-west-1"}\'' },
        { name: 'justification', type: 'text', placeholder: 'TEXT', description: 'the reason, as a requester would give it (knowledge routing reads it)' },
      ],
      // Reads no request: an existing database serves as the Okta answers' cache, and none is ever created.
      database: 'if-present',
    },
    run: async (ctx, parsed) => (await import('./commands/approvers-command.js')).approversCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'serve',
      summary: 'the web console and HTTP API (docs/console.md)',
      options: [
        { name: 'port', type: 'port', placeholder: 'PORT', description: 'the port to listen on (default: $PORT, else 8080; 0: any free port)' },
        { name: 'host', type: 'text', placeholder: 'HOST', description: 'the address to listen on (default 127.0.0.1; 0.0.0.0 in a container)' },
      ],
      // People request access in the console, as with the tools: the first request may create the database.
      database: 'create',
      notes: ['Stops cleanly on SIGTERM or SIGINT (exit 0); one JSON line per HTTP request on stdout.'],
    },
    run: async (ctx, parsed) => (await import('./commands/serve-command.js')).serveCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'reconcile',
      summary: 'what AWS still holds for requests that are over; --fix removes it',
      options: [{ name: 'fix', type: 'flag', description: 'remove what is left behind for requests that are over' }],
      database: 'existing',
      notes: ['Exits 1 while anything is left behind or unknown.'],
    },
    run: async (ctx, parsed) => (await import('./commands/reconcile-command.js')).reconcileCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'audit',
      summary: 'check or export the hash-chained audit log',
      options: [],
      subcommands: [
        {
          name: 'audit verify',
          summary: 'check the hash chain; names the first edited, deleted or reordered event',
          options: [],
          database: 'existing',
          notes: ['Exit 0: intact (prints the head hash to keep elsewhere); 2: tampered; 1: could not check.'],
        },
        {
          name: 'audit export',
          summary: 'the audit log as JSON Lines, on stdout or into a file',
          options: [out('write here instead of stdout; replaces only an earlier audit export, never another file')],
          database: 'existing',
        },
      ],
    },
    run: async (ctx, parsed) => (await import('./commands/audit-command.js')).auditCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'analytics',
      summary: 'usage, patterns and security figures over a window; an HTML report; the weekly Slack digest',
      options: [
        { name: 'since', type: 'text', placeholder: 'WHEN', description: 'start: a date (2026-11-01), a date-time with a zone, or a length back from --until (30d, 12h, 2w; default 30d)' },
        { name: 'until', type: 'text', placeholder: 'WHEN', description: 'end: a date, a date-time with a zone, or an age (7d: a week ago); default now' },
        { name: 'tool', type: 'text', placeholder: 'NAME', description: 'only requests for this tool' },
        { name: 'provider', type: 'text', placeholder: 'NAME', description: 'only requests granted by this provider (enforcer, aws, …)' },
        { name: 'group', type: 'text', placeholder: 'NAME', description: 'only requests this approver group could approve' },
        { name: 'html', type: 'file', placeholder: 'FILE', description: 'also write a self-contained HTML report here (its folder must exist)' },
        { name: 'post-slack', type: 'flag', description: "post the digest with a chart to the approvers' channel" },
      ],
      // Reads only: analytics of a database that is not there would be a report of nothing.
      database: 'existing',
    },
    run: async (ctx, parsed) => (await import('./commands/analytics-command.js')).analyticsCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'migrate',
      summary: "apply the store's schema migrations (PostgreSQL: the only command that changes the schema; every run checks it)",
      options: [],
    },
    run: async (ctx) => (await import('./commands/store-command.js')).migrateCommand(ctx),
  },
  {
    spec: {
      name: 'store',
      summary: 'move an installation from SQLite to PostgreSQL',
      options: [],
      subcommands: [
        {
          name: 'store copy',
          summary: 'copy a SQLite installation into an empty PostgreSQL database: requests, audit chain, locks, holds, follow-ups',
          options: [
            { name: 'from', type: 'text', required: true, placeholder: 'SQLITE_FILE', description: "the SQLite database to copy (the tools' jit.sqlite)" },
            { name: 'to', type: 'text', placeholder: 'POSTGRES_URL', description: 'the empty PostgreSQL database (default: JIT_DATABASE_URL)' },
          ],
          notes: ['Refuses a target that holds anything, and a source whose audit chain does not verify.'],
        },
      ],
    },
    run: async (ctx, parsed) => (await import('./commands/store-command.js')).storeCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'enforcer',
      summary: "the Enforcer's tool-category policy, rendered from the config",
      options: [],
      subcommands: [{ name: 'enforcer policy', summary: 'print the tool-category Rego for the Enforcer', options: [] }],
    },
    run: async (ctx, parsed) => (await import('./commands/enforcer-command.js')).enforcerCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'aws',
      summary: 'AWS helpers, from the config',
      options: [],
      subcommands: [
        {
          name: 'aws runner-policy',
          summary: "the runner's least-privilege IAM policy for the config's AWS entries",
          options: [out('write it here instead of stdout; replaces only an earlier policy document, never another file')],
        },
      ],
    },
    run: async (ctx, parsed) => (await import('./commands/aws-command.js')).awsCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'kubernetes',
      summary: 'Kubernetes helpers, from the config',
      options: [],
      subcommands: [
        {
          name: 'kubernetes runner-rbac',
          summary: "the runner's ClusterRole and binding per configured cluster: RoleBindings only, bind only on the configured ClusterRoles",
          options: [
            { name: 'cluster', type: 'text', placeholder: 'NAME', description: 'only this cluster' },
            out('write it here instead of stdout; replaces only an earlier runner RBAC file, never another file'),
          ],
        },
      ],
    },
    run: async (ctx, parsed) => (await import('./commands/kubernetes-command.js')).kubernetesCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'bundle',
      summary: 'write kubiya_bundle.json from the tool definitions and the config, or check it is current',
      options: [
        { name: 'check', type: 'flag', description: 'only check the file is current; exit 1 with the difference when it is not' },
        out('the bundle file (default: kubiya_bundle.json in the package); replaces only an earlier bundle, never another file'),
      ],
    },
    run: async (ctx, parsed) => (await import('./commands/bundle-command.js')).bundleCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'config',
      summary: 'where the config comes from (JIT_CONFIG_JSON first), its knowledge documents and generated tools; --bundle checks a bundle',
      options: [
        { name: 'show', type: 'flag', description: 'print the config itself (a bundle\'s config package decoded)' },
        { name: 'bundle', type: 'file', placeholder: 'FILE', description: 'check this kubiya_bundle.json against the config; exit 1 naming what differs' },
      ],
    },
    run: async (ctx, parsed) => (await import('./commands/config-command.js')).configCommand(ctx, parsed),
  },
  {
    spec: {
      name: 'help',
      summary: 'the tools and commands, or one command in detail',
      options: [],
      word: { name: 'command', description: 'a tool or command to describe, e.g. audit or request_tool_access' },
    },
  },
];

/** The operator command named by the first word of a command line, if any. */
export function findOperatorCommand(name: string): OperatorCommand | undefined {
  return OPERATOR_COMMANDS.find((command) => command.spec.name === name);
}
