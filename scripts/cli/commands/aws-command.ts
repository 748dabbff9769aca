import { resolve } from 'node:path';
import type { AppContext } from '../../app/app-context.js';
import type { CommandResult } from '../../handlers/handler.js';
import type { ParsedCommand } from '../command-spec.js';
import { writeOutputFile, type OutputKind } from '../output-file.js';

/** Only an earlier IAM policy document may be replaced by `aws runner-policy --out`. */
const POLICY_FILE: OutputKind = {
  what: 'an IAM policy document (a JSON object starting with "Version")',
  recognise: (head) => /^\s*\{\s*"Version"\s*:/.test(head),
};

/**
 * `kubiya-jit aws runner-policy [--out FILE]`: the least-privilege IAM policy for the runner, generated from
 * the config (its roles, policies, accounts and the package's paths), printed or written to FILE.
 */
export async function awsCommand(ctx: AppContext, parsed: ParsedCommand): Promise<CommandResult> {
  const { buildFullCatalog } = await import('../../app/build-catalog-all.js');
  const { renderRunnerPolicy } = await import('../../adapters/aws/runner-policy.js');
  const { catalog, aws } = await buildFullCatalog(ctx.config);
  const policy = renderRunnerPolicy(aws as never, catalog.list().filter((entry) => entry.provider.startsWith('aws-')));
  const text = `${JSON.stringify(policy, null, 2)}\n`;
  const out = parsed.values.out;
  if (typeof out === 'string') {
    const path = resolve(out);
    writeOutputFile(path, text, POLICY_FILE);
    return { human: `Wrote the runner policy (${policy.Statement.length} statements) to ${path}.`, json: { path, policy: policy as never } };
  }
  return { human: text.trimEnd(), json: { policy: policy as never } };
}
