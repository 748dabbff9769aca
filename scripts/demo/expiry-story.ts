/**
 * The second half of the story: what the Enforcer holds while the grant is in force, what dana and the
 * approvers are told, the worker ending the access at the TTL, and the record that is left.
 */
import { eventually, expectThat } from './demo-check.js';
import type { BackgroundCli } from './demo-cli.js';
import { DEMO_PEOPLE } from './demo-people.js';
import type { DemoSession } from './demo-session.js';
import { askEnforcer, decisionLine } from './enforcer-decision.js';
import { slackButtons, slackStatus, slackText } from './slack-text.js';
import { STORY } from './approval-story.js';
import { watchExpiry } from './watch-expiry.js';

const { dana, alice, bob } = DEMO_PEOPLE;

/** Shows the grant in force: the Enforcer's data and decisions, dana's DMs, the approvers' updated message. */
export async function showGrant(session: DemoSession, requestId: string): Promise<number> {
  const { out, world } = session;
  out.heading('While the grant is in force, the Enforcer says yes, to exactly this');
  const grant = world.opaGrants()[requestId];
  expectThat(grant !== undefined, 'grant', `the OPA stand-in holds no grant ${requestId} after the approval.`, JSON.stringify(world.opa.data));
  const { expires_at_ns: _ns, ...readable } = grant;
  out.note(`OPA stand-in data.kubiya.jit.grants.${requestId}:`);
  out.shown(JSON.stringify(readable));
  const other = { region: 'us-east-1' };
  const checks: [string, Record<string, unknown>, boolean][] = [
    [dana.email, STORY.params, true],
    [dana.email, other, false],
    [bob.email, STORY.params, false],
  ];
  for (const [email, params, expected] of checks) {
    const decision = await askEnforcer(world.opa.url, email, STORY.tool, params);
    out.note(`OPA stand-in: ${decisionLine(email, STORY.tool, params, decision)}`);
    expectThat(decision.allowed === expected, 'enforcer granted', `the Enforcer answered ${decision.allowed} for ${email} ${JSON.stringify(params)}, expected ${expected}.`);
  }
  out.ok('allowed for dana with the approved parameters only');

  out.heading('dana\'s direct messages (Slack stand-in)');
  const expiresAt = Number(grant.expires_at_ns) / 1_000_000;
  expectThat(Number.isFinite(expiresAt), 'grant', 'the grant in OPA has no numeric expires_at_ns for the Rego to compare.', JSON.stringify(grant));
  const dmText = () => world.directMessagesTo(dana).map(slackText);
  expectThat(dmText().some((t) => t.includes('approved')), 'requester DM', 'dana got no DM saying her access was approved.');
  // expiry.warn_before (10m) is longer than this TTL, so the warning is due at once; the worker sends it.
  const warned = await eventually(() => dmText().some((t) => t.includes('expires at')), expiresAt);
  expectThat(warned, 'expiry warning', 'dana got no warning DM before her access expired.', dmText().join('\n---\n'));
  out.shown(dmText().join('\n\n'));

  out.heading('The approvers\' message, updated in place (chat.update)');
  const message = world.approverMessages()[0]!;
  out.shown(slackStatus(message));
  expectThat(slackButtons(message).length === 0, 'approvers update', 'the approvers\' message still has live buttons after the decision.');
  expectThat(slackText(message).includes(alice.email), 'approvers update', 'the approvers\' message does not say who approved.');
  out.ok('approved by alice, no buttons left');
  return expiresAt;
}

/** Waits for the TTL, shows the worker ending the access, what dana and the approvers see, and the record. */
export async function showExpiry(session: DemoSession, requestId: string, expiresAt: number, worker: BackgroundCli): Promise<void> {
  const { out, world } = session;
  out.heading(`The TTL runs out at ${iso(expiresAt)}: the worker ends the access`);
  const seen = await watchExpiry(world, dana.email, requestId, expiresAt);
  const denied = seen.deniedAt < seen.removedAt ? '  (the Rego\'s own time check, before any removal)' : '';
  const events: [number, string][] = [
    [seen.deniedAt, `OPA stand-in: may dana run create_ec2? → DENIED${denied}`],
    [seen.removedAt, `the worker deleted the grant from OPA, ${((seen.removedAt - expiresAt) / 1000).toFixed(2)} s after the expiry`],
  ];
  for (const [at, what] of events.sort((a, b) => a[0] - b[0])) out.note(`${iso(at)}  ${what}`);
  const stopped = await worker.stop();
  out.note('The worker, stopped (SIGTERM) now that the story is over, reports:');
  out.shown(stopped.stdout || stopped.stderr);
  expectThat(stopped.code === 0 && /\b1 grants? ended/.test(stopped.stdout), 'worker', 'the worker did not report ending the grant.', stopped.stdout + stopped.stderr);
  const after = await askEnforcer(world.opa.url, dana.email, STORY.tool, STORY.params);
  expectThat(!after.allowed && world.opaGrants()[requestId] === undefined, 'expiry', 'the grant is still in the Enforcer after the expiry.');
  const described = await session.json('expiry', dana, ['describe_access_request', '--request_id', requestId]);
  expectThat(described.status === 'access_expired', 'expiry', `the request is ${String(described.status)}, expected access_expired.`);
  out.ok('allowed, then denied: the grant is gone and the request is access_expired');

  out.heading('dana\'s direct message at expiry');
  const expired = world.directMessagesTo(dana).filter((m) => /expired/.test(slackText(m)));
  expectThat(expired.length === 1, 'expiry DM', `dana got ${expired.length} DMs saying her access expired, expected 1.`);
  out.shown(slackText(expired[0]!));

  out.heading('The approvers\' message, final state');
  const message = world.approverMessages()[0]!;
  out.shown(slackText(message));
  expectThat(/expired/i.test(slackStatus(message)) && slackButtons(message).length === 0, 'final message', 'the approvers\' message does not show the expiry.');
  out.ok(`the same message, updated ${message.history.length} times; no buttons on a decided request`);

  out.heading('The record: every step, and an audit log that verifies');
  await session.show('history', dana, ['describe_access_request', '--request_id', requestId], { contains: 'access_expired' });
  await session.show('audit', undefined, ['audit', 'verify'], { contains: 'Audit log intact' });
  out.ok('audit intact: the hash chain over every event verifies');
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23) + 'Z';
}
