#!/usr/bin/env node
/**
 * The `kubiya-jit` command: one command per Kubiya tool (what each tool's content runs), plus the operator
 * commands. Vendor SDKs load only inside the commands that need them, so a tool run starts fast.
 */
import type { AppContext } from './app/app-context.js';
import type { OutputFormat } from './cli/output.js';
import { printError, printResult } from './cli/output.js';
import { runCommandLine } from './cli/run-command-line.js';

async function main(): Promise<number> {
  // Decided before parsing, so that even a malformed command line gets its error in the format asked for.
  const raw = process.argv.slice(2);
  const format: OutputFormat = raw.some((word, i) => word === '--output=json' || word === '--json' || (word === '--output' && raw[i + 1] === 'json')) ? 'json' : 'human';
  let ctx: AppContext | undefined;
  try {
    const outcome = await runCommandLine(raw, process.env, (made) => {
      ctx = made;
      const log = made.log;
      process.on('warning', (warning) => log.warn('runtime warning', { name: warning.name, message: warning.message }));
    });
    return printResult(outcome.result, outcome.json ? 'json' : 'human');
  } catch (err) {
    return printError(err, format, ctx?.log);
  } finally {
    await (ctx as AppContext | undefined)?.close().catch(() => undefined);
  }
}

// Runtime warnings (such as the AWS SDK's notice about future Node versions) are for the operator, not for the
// person talking to the teammate: main() sends them to the operator log instead of stderr.
process.removeAllListeners('warning');

process.exitCode = await main();
