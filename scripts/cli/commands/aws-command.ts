import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import { ValidationError } from '../../core/errors.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedArgv } from '../parse-argv.js';

/**
 * `kubiya-jit aws runner-policy [--out FILE]`: the least-privilege IAM policy for the runner, generated from
 * the config (its roles, policies, accounts and the package's paths), printed or written to FILE.
 */
export async function awsCommand(ctx: AppContext, argv: ParsedArgv): Promise<CommandResult> {
  if (argv.positional[0] !== 'runner-policy' || argv.positional.length > 1) throw new ValidationError('cli.aws_usage', 'Use kubiya-jit aws runner-policy [--out FILE].');
  const unknown = Object.keys(argv.options).filter((key) => key !== 'out' && key !== 'output');
  if (unknown.length > 0) throw new ValidationError('cli.aws_usage', `kubiya-jit aws runner-policy takes only --out FILE, not --${unknown[0]}.`);
  const { buildFullCatalog } = await import('../../app/build-catalog-all.js');
  const { renderRunnerPolicy } = await import('../../adapters/aws/runner-policy.js');
  const { catalog, aws } = await buildFullCatalog(ctx.config);
  const policy = renderRunnerPolicy(aws as never, catalog.list().filter((entry) => entry.provider.startsWith('aws-')));
  const text = `${JSON.stringify(policy, null, 2)}\n`;
  const out = argv.options.out;
  if (out) {
    const path = resolve(out);
    await writeFile(path, text);
    return { human: `Wrote the runner policy (${policy.Statement.length} statements) to ${path}.`, json: { path, policy: policy as never } };
  }
  return { human: text.trimEnd(), json: { policy: policy as never } };
}
