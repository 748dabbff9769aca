#!/usr/bin/env node
/**
 * The `kubiya-jit` command: one command per Kubiya tool (what each tool's content runs), plus the operator
 * commands. Vendor SDKs load only inside the commands that need them, so a tool run starts fast.
 */
import { AppContext } from './app/app-context.js';
import type { CommandResult } from './handlers/handler.js';
import type { OutputFormat } from './cli/output.js';
import { printError, printResult } from './cli/output.js';
import { parseArgv, type ParsedArgv } from './cli/parse-argv.js';
import { resolveTool, runTool, unknownCommand } from './cli/run-tool.js';
import { ValidationError } from './core/errors.js';

async function dispatch(ctx: AppContext, argv: ParsedArgv): Promise<CommandResult> {
  const command = argv.command!;
  switch (command) {
    case 'worker':
      return (await import('./cli/commands/worker-command.js')).workerCommand(ctx, argv);
    case 'sweep':
      return (await import('./cli/commands/worker-command.js')).sweepCommand(ctx);
    case 'bundle':
      return (await import('./cli/commands/bundle-command.js')).bundleCommand(ctx, argv);
    case 'config':
      return (await import('./cli/commands/config-command.js')).configCommand(ctx, argv);
    case 'audit':
      return (await import('./cli/commands/audit-command.js')).auditCommand(ctx, argv);
    case 'enforcer':
      return (await import('./cli/commands/enforcer-command.js')).enforcerCommand(ctx, argv);
    case 'reconcile':
      return (await import('./cli/commands/reconcile-command.js')).reconcileCommand(ctx, argv);
    case 'aws':
      return (await import('./cli/commands/aws-command.js')).awsCommand(ctx, argv);
    case 'approvers':
      return (await import('./cli/commands/approvers-command.js')).approversCommand(ctx, argv);
    case 'analytics':
      return (await import('./cli/commands/analytics-command.js')).analyticsCommand(ctx, argv);
    default: {
      const handler = await resolveTool(ctx, command);
      if (!handler) throw unknownCommand(command);
      return runTool(ctx, handler, argv);
    }
  }
}

async function main(): Promise<number> {
  // Decided before parsing, so that even a malformed command line gets its error in the format asked for.
  const raw = process.argv.slice(2);
  let format: OutputFormat = raw.some((word, i) => word === '--output=json' || word === '--json' || (word === '--output' && raw[i + 1] === 'json')) ? 'json' : 'human';
  let ctx: AppContext | undefined;
  try {
    const argv = parseArgv(raw);
    const output = argv.options.output;
    if (output !== undefined && output !== 'json' && output !== 'human') {
      throw new ValidationError('cli.bad_output', '--output must be json or human.');
    }
    format = argv.flags.has('json') || output === 'json' ? 'json' : 'human';
    if (!argv.command || argv.command === 'help' || argv.flags.has('help')) {
      const { helpCommand } = await import('./cli/commands/help-command.js');
      return printResult(helpCommand(), format);
    }
    ctx = await AppContext.create(process.env);
    const log = ctx.log;
    process.on('warning', (warning) => log.warn('runtime warning', { name: warning.name, message: warning.message }));
    return printResult(await dispatch(ctx, argv), format);
  } catch (err) {
    return printError(err, format, ctx?.log);
  } finally {
    await ctx?.close().catch(() => undefined);
  }
}

// Runtime warnings (such as the AWS SDK's notice about future Node versions) are for the operator, not for the
// person talking to the teammate: main() sends them to the operator log instead of stderr.
process.removeAllListeners('warning');

process.exitCode = await main();
