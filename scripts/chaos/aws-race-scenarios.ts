/**
 * Race scenarios for the AWS providers, run as separate CLI processes against moto through the fault proxy:
 * one AWS call of the first process is held while the second reaches the same object, then released. Each
 * checks that AWS (read directly, not through the proxy) matches the requests' states exactly, and reports
 * how long the second operation waited. Registered by name so `npm run chaos:aws` (and the expiry chaos
 * registry, once merged) can run them.
 */
import { GetRoleCommand, ListAttachedUserPoliciesCommand } from '@aws-sdk/client-iam';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ACCOUNT, type AwsChaosWorld, type ChaosRun } from './aws-chaos-world.js';

/** What a scenario found. */
export interface ScenarioResult {
  ok: boolean;
  detail: string;
  figures: Record<string, number>;
}

/** One named scenario with the aim it is held to. */
export interface ChaosScenario {
  name: string;
  aim: string;
  run(world: AwsChaosWorld): Promise<ScenarioResult>;
}

const ask = async (w: AwsChaosWorld, who: string, tool: string): Promise<string> => {
  const asked = await w.run(`${who}@example.com`, [tool, '--ttl', '1h', '--justification', 'chaos scenario']).done;
  if (typeof asked.json.request_id !== 'string') throw new Error(`request failed: ${JSON.stringify(asked.json)}`);
  return asked.json.request_id;
};
const approve = (w: AwsChaosWorld, id: string) => w.run('alice@example.com', ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
const revoke = (w: AwsChaosWorld, who: string, id: string) => w.run(`${who}@example.com`, ['revoke_access', '--request_id', id, '--reason', 'chaos scenario']);

async function trustPrincipals(w: AwsChaosWorld): Promise<string[]> {
  const role = await w.iam.send(new GetRoleCommand({ RoleName: 'deploy' }));
  const doc = JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)) as { Statement: { Principal: { AWS?: string } }[] };
  return doc.Statement.map((s) => s.Principal.AWS).filter((p): p is string => Boolean(p)).sort();
}

/** Waits until the second process read the object after the hold, or waits for the lock (the operator log says so). */
async function secondReached(w: AwsChaosWorld, heldAt: number, reads: string[]): Promise<void> {
  for (let waited = 0; waited < 120_000; waited += 100) {
    if (w.proxy.calls().some((c) => c.at > heldAt && reads.includes(c.action))) return;
    if (existsSync(w.logPath) && readFileSync(w.logPath, 'utf8').includes('waiting for a target lock')) return;
    await sleep(100);
  }
  throw new Error('the second process never reached the object');
}

/** Holds the first `action`, starts `first`, then `second` once the first is held; returns both and the wait after release. */
async function interleave(w: AwsChaosWorld, action: string, reads: string[], first: () => { done: Promise<ChaosRun> }, second: () => { done: Promise<ChaosRun> }) {
  w.proxy.addRule({ service: 'iam', action, effect: { kind: 'hold' }, times: 1 });
  const a = first().done;
  await w.proxy.waitForHeld(1, 120_000);
  const heldAt = Date.now();
  const b = second().done;
  await secondReached(w, heldAt, reads);
  const released = Date.now();
  w.proxy.releaseAll();
  const [ra, rb] = await Promise.all([a, b]);
  return { first: ra, second: rb, afterReleaseMs: Date.now() - released };
}

const arn = (user: string) => `arn:aws:iam::${ACCOUNT}:user/${user}`;

/** The registered scenarios, by name. */
export const AWS_RACE_SCENARIOS: ChaosScenario[] = [
  {
    name: 'aws-trust-revoke-then-grant',
    aim: 'the revoked statement stays gone and the new grant is in the trust policy',
    async run(w) {
      const old = await ask(w, 'dev', 'role_trust_grant_deploy');
      await approve(w, old).done;
      const fresh = await ask(w, 'carol', 'role_trust_grant_deploy');
      const r = await interleave(w, 'UpdateAssumeRolePolicy', ['GetRole'], () => revoke(w, 'dev', old), () => approve(w, fresh));
      const principals = await trustPrincipals(w);
      const ok = r.first.json.status === 'revoked' && r.second.json.status === 'access_granted' && JSON.stringify(principals) === JSON.stringify([arn('carol')]);
      return { ok, detail: `trust admits ${principals.join(', ') || 'nobody'}`, figures: { second_after_release_ms: r.afterReleaseMs } };
    },
  },
  {
    name: 'aws-trust-grant-then-revoke',
    aim: 'the revoked statement does not come back when a grant of the same role was writing at the time',
    async run(w) {
      const old = await ask(w, 'dev', 'role_trust_grant_deploy');
      await approve(w, old).done;
      const fresh = await ask(w, 'carol', 'role_trust_grant_deploy');
      const r = await interleave(w, 'UpdateAssumeRolePolicy', ['GetRole'], () => approve(w, fresh), () => revoke(w, 'dev', old));
      const principals = await trustPrincipals(w);
      const ok = r.first.json.status === 'access_granted' && r.second.json.status === 'revoked' && JSON.stringify(principals) === JSON.stringify([arn('carol')]);
      return { ok, detail: `trust admits ${principals.join(', ') || 'nobody'}`, figures: { second_after_release_ms: r.afterReleaseMs } };
    },
  },
  {
    name: 'aws-trust-two-grants',
    aim: 'two grants of one role approved at once both end in the trust policy',
    async run(w) {
      const one = await ask(w, 'dev', 'role_trust_grant_deploy');
      const two = await ask(w, 'carol', 'role_trust_grant_deploy');
      const r = await interleave(w, 'UpdateAssumeRolePolicy', ['GetRole'], () => approve(w, one), () => approve(w, two));
      const principals = await trustPrincipals(w);
      const ok = r.first.json.status === 'access_granted' && r.second.json.status === 'access_granted' && JSON.stringify(principals) === JSON.stringify([arn('carol'), arn('dev')]);
      return { ok, detail: `trust admits ${principals.join(', ') || 'nobody'}`, figures: { second_after_release_ms: r.afterReleaseMs } };
    },
  },
  {
    name: 'aws-policy-grant-during-revoke',
    aim: 'a managed-policy grant approved while another grant of it is revoked ends attached',
    async run(w) {
      const old = await ask(w, 'dev', 'request_db_read_only');
      await approve(w, old).done;
      const fresh = await ask(w, 'dev', 'request_db_read_only');
      const r = await interleave(w, 'DetachUserPolicy', ['ListInstanceProfiles'], () => revoke(w, 'dev', old), () => approve(w, fresh));
      const attached = ((await w.iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'dev' }))).AttachedPolicies ?? []).map((p) => p.PolicyName);
      const ok = r.first.json.status === 'revoked' && r.second.json.status === 'access_granted' && JSON.stringify(attached) === JSON.stringify(['DbReadOnly']);
      return { ok, detail: `dev has ${attached.join(', ') || 'nothing'} attached`, figures: { second_after_release_ms: r.afterReleaseMs } };
    },
  },
  {
    name: 'aws-dead-lock-holder',
    aim: 'a run killed while holding a role lock delays the next grant of that role by at most the lease (3 s here)',
    async run(w) {
      const baseline = await ask(w, 'dev', 'role_trust_grant_deploy');
      const uncontended = await approve(w, baseline).done;
      const fresh = await ask(w, 'carol', 'role_trust_grant_deploy');
      w.proxy.addRule({ service: 'iam', action: 'UpdateAssumeRolePolicy', effect: { kind: 'hold' }, times: 1 });
      const dying = revoke(w, 'dev', baseline);
      await w.proxy.waitForHeld(1, 120_000);
      dying.kill();
      await dying.done;
      const killedAt = Date.now();
      const granted = await approve(w, fresh).done;
      const principals = await trustPrincipals(w);
      // The grant's run time over an uncontended one is what the dead holder cost; a process start can hide it.
      const extra = Math.max(0, granted.ms - uncontended.ms);
      const ok = granted.json.status === 'access_granted' && principals.includes(arn('carol')) && extra <= 3_000 + 1_000;
      return { ok, detail: `trust admits ${principals.join(', ')}`, figures: { uncontended_grant_ms: uncontended.ms, grant_after_kill_ms: Date.now() - killedAt, extra_wait_ms: extra } };
    },
  },
];
