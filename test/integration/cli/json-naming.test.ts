import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_COMMANDS } from '../../../scripts/cli/operator-commands.js';
import { STATIC_TOOLS } from '../../../tools/definitions/index.js';
import { LifecycleHarness, PEOPLE, type CliRun } from '../../support/lifecycle-harness.js';

/**
 * Values whose keys are not the package's to name: tool parameters (`tool_params`, and `params` in the audit
 * events) are the tool's own, policy documents (`documents`, `policy`) are AWS's. Everything else is snake_case.
 */
const OPAQUE = new Set(['tool_params', 'params', 'documents', 'policy']);

/** The paths of every camelCase key in a JSON value, outside the opaque values. */
function camelCaseKeys(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => camelCaseKeys(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    ...(/[a-z0-9][A-Z]/.test(key) || /[A-Z]/.test(key[0] ?? '') ? [`${path}.${key}`] : []),
    ...(OPAQUE.has(key) ? [] : camelCaseKeys(inner, `${path}.${key}`)),
  ]);
}

describe('--output json names every key in snake_case, in every command', () => {
  let h: LifecycleHarness;
  const outputs: { command: string; run: CliRun }[] = [];
  const run = async (as: string | undefined, args: string[]) => {
    const result = await h.run(as, args);
    outputs.push({ command: args.join(' '), run: result });
    return result;
  };

  beforeAll(async () => {
    h = await LifecycleHarness.start();
  });
  afterAll(async () => h.close());

  it('the walker finds a camelCase key where one is, and not inside tool parameters', () => {
    expect(camelCaseKeys({ ok: true, request: { requestId: 'x', tool_params: { instanceType: 't3' } }, list: [{ nextCursor: null }] })).toEqual([
      '$.request.requestId',
      '$.list[0].nextCursor',
    ]);
  });

  const { dev, alice, carol } = PEOPLE;
  let id: string;

  it('runs the tools', async () => {
    id = (await run(dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--user_email', dev.email, '--tool_params', '{"region":"eu-west-1"}', '--ttl', '1h', '--justification', 'INC-42'])).json.request_id as string;
    await run(alice.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    await run(dev.email, ['describe_access_request', '--request_id', id]);
    await run(alice.email, ['list_active_access_requests']);
    await run(dev.email, ['view_user_requests']);
    await run(dev.email, ['search_access_requests', '--query', 'INC']);
    await run(alice.email, ['access_analytics', '--since', '7d']);
    const pending = (await h.request()).json.request_id as string;
    await run(dev.email, ['cancel_access_request', '--request_id', pending]);
  });

  it('runs the sweeps with a removal failing', async () => {
    // A removal the Enforcer refuses: the revoke and the sweeps report it as retrying, with its error.
    h.opa.injectFault({ status: 500, times: 50 });
    await run(dev.email, ['revoke_access', '--request_id', id, '--reason', 'done']);
    await run(undefined, ['sweep']);
    await run(undefined, ['sweep_expired_access']);
    await run(undefined, ['worker', '--max-runtime', '1s']);
  });

  it('runs the operator commands', async () => {
    await run(dev.email, ['approvers', '--tool_name', 'create_ec2']);
    await run(undefined, ['audit', 'verify']);
    await run(undefined, ['audit', 'export']);
    await run(undefined, ['audit', 'export', '--out', join(h.dir, 'audit.jsonl')]);
    await run(undefined, ['reconcile']);
    await run(undefined, ['enforcer', 'policy']);
    await run(undefined, ['aws', 'runner-policy']);
    // The shipped config has a Kubernetes cluster; this harness's config has none.
    const shipped = { JIT_CONFIG: join(import.meta.dirname, '..', '..', '..', 'configs', 'jit.yaml') };
    outputs.push({ command: 'kubernetes runner-rbac', run: await h.run(undefined, ['kubernetes', 'runner-rbac'], { env: shipped }) });
    await run(undefined, ['bundle', '--out', join(h.dir, 'bundle.json')]);
    await run(undefined, ['bundle', '--check', '--out', join(h.dir, 'bundle.json')]);
    await run(undefined, ['analytics', '--since', '7d']);
    await run(undefined, ['config']);
    await run(undefined, ['config', '--bundle', join(h.dir, 'bundle.json')]);
    await run(undefined, ['migrate']);
    // store copy needs a PostgreSQL server (its success is in test/integration/postgres); its refusal is JSON too.
    await run(undefined, ['store', 'copy', '--from', join(h.dir, 'no-such.sqlite'), '--to', 'postgres://jit@127.0.0.1:1/jit']);
  });

  it('answers help and errors', async () => {
    await run(undefined, ['--version']);
    await run(undefined, ['help']);
    await run(undefined, ['audit', '--help']);
    await run(undefined, ['request_tool_access', '--help']);
    // serve runs until stopped; its JSON lines are checked in test/integration/console/.
    await run(undefined, ['serve', '--help']);
    // Errors: a refusal, a bad value, an unknown command.
    await run(carol.email, ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    await run(undefined, ['worker', '--max-runtime', '10x']);
    await run(undefined, ['grant_me_admin']);
  });

  it('every one of those outputs has snake_case keys only', () => {
    // Every tool and every operator command was run at least once.
    const ran = new Set(outputs.map((o) => o.command.split(' ')[0]));
    for (const tool of STATIC_TOOLS) expect(ran, tool.name).toContain(tool.name);
    for (const { spec } of OPERATOR_COMMANDS) expect(ran, spec.name).toContain(spec.name);

    for (const { command, run: result } of outputs) {
      expect(result.json, `${command}: not JSON: ${result.stdout.slice(0, 200)}`).not.toHaveProperty('unparsed');
      expect(camelCaseKeys(result.json), command).toEqual([]);
    }
    // The ones above really produced the nested data the rule is about.
    const sweep = outputs.find((o) => o.command === 'sweep')!.run.json;
    // The failing removal is retried by the sweep if its next attempt has come (retrying), else listed as waiting
    // (failing, with nested keys of its own); which one depends on how soon after the revoke the sweep runs.
    expect((sweep.errors as unknown[]).length + (sweep.retrying as unknown[]).length + (sweep.failing as unknown[]).length).toBeGreaterThan(0);
    const exported = outputs.find((o) => o.command === 'audit export')!.run.json.audit_events as Record<string, unknown>[];
    expect(exported[0]).toHaveProperty('request_id');
    expect(exported[0]).toHaveProperty('prev_hash');
    expect(outputs.find((o) => o.command.startsWith('describe_access_request'))!.run.json).toHaveProperty('routing.source');
  });
});
