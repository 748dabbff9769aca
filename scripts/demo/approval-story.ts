/**
 * The first half of the story: dana asks for create_ec2 in eu-west-1, the approvers see the request in
 * their channel, the Enforcer still says no, dana's own click and a suspended owner's click are refused,
 * and alice approves.
 */
import { expectThat } from './demo-check.js';
import { DEMO_PEOPLE } from './demo-people.js';
import type { DemoSession } from './demo-session.js';
import { askEnforcer, decisionLine } from './enforcer-decision.js';
import { slackButtons, slackText } from './slack-text.js';
import { AGENT_UUID } from './demo-world.js';

/** The tool run the story is about (seed 000). */
export const STORY = {
  tool: 'create_ec2',
  params: { region: 'eu-west-1' },
  // Well under create_ec2's max_ttl (4h in configs/jit.yaml), short enough to watch it end.
  ttl: '8s',
  justification: 'Reproduce INC-42: the eu-west-1 autoscaling bug needs a throwaway instance',
} as const;

const { dana, alice, bob, sam } = DEMO_PEOPLE;

/** Runs the ask, the approvers' message, the refusals and the approval; returns the request id. */
export async function showRequestAndApproval(session: DemoSession): Promise<string> {
  const { out, world } = session;
  out.heading('dana asks the teammate for access');
  out.note(`dana, in Slack: "I need to create an EC2 instance in eu-west-1"`);
  out.note('The teammate calls request_tool_access; the runner runs, as dana:');
  const asked = await session.show('request', dana, [
    'request_tool_access',
    '--tool_name', STORY.tool,
    '--tool_params', JSON.stringify(STORY.params),
    '--ttl', STORY.ttl,
    '--justification', STORY.justification,
  ], { contains: 'waiting for approval' });
  const requestId = /req_[0-9a-f]{16}/.exec(asked.stdout)?.[0];
  expectThat(requestId !== undefined, 'request', 'request_tool_access did not name a request id.', asked.stdout);

  out.heading(`What the approvers see in their channel (${world.approverMessages()[0]?.channel ?? '?'}, Slack stand-in)`);
  const message = world.approverMessages()[0];
  expectThat(message !== undefined, 'approvers message', 'nothing was posted in the approvers\' channel.');
  out.shown(slackText(message));
  const buttons = slackButtons(message);
  expectThat(
    buttons.map((b) => b.actionId).join() === 'agent.process_message_1,agent.process_message_2' && buttons.every((b) => b.agentUuid === AGENT_UUID && b.asks?.includes(requestId)),
    'approvers message', 'the message lacks Kubiya\'s Approve / Reject buttons for this request and agent.', JSON.stringify(buttons),
  );
  const pending = await session.json('approvers', dana, ['describe_access_request', '--request_id', requestId]);
  const approvers = (pending.approvers as string[] | undefined) ?? [];
  expectThat(approvers.join() === [alice.email, bob.email].join(), 'approvers', `the approvers should be alice and bob, not ${approvers.join(', ')}.`);
  out.ok('approvers: alice and bob, the ACTIVE cloud-compute-owners; sam (SUSPENDED) and dana (the requester) are left out');

  out.heading('Before anyone decides, the Enforcer says no');
  const before = await askEnforcer(world.opa.url, dana.email, STORY.tool, STORY.params);
  out.note(`OPA stand-in: ${decisionLine(dana.email, STORY.tool, STORY.params, before)}`);
  expectThat(!before.allowed, 'enforcer before', 'the Enforcer allowed the tool run before anyone approved.');

  const approve = ['approve_tool_access_request', '--request_id', requestId, '--approval_action', 'approve'];
  out.heading('dana clicks Approve on her own request (she is a compute owner too)');
  await session.show('self-approval', dana, approve, { code: 1, contains: 'approval.self_approval' });
  out.ok('refused: self-approval');

  out.heading('sam clicks Approve: he is in cloud-compute-owners, but SUSPENDED in Okta');
  await session.show('suspended approver', sam, approve, { code: 1, contains: 'approval.not_eligible' });
  out.ok('refused: Okta is asked again at decision time, and sam is not ACTIVE');

  out.heading('alice clicks Approve');
  await session.show('approval', alice, approve, { contains: `Approved request ${requestId}` });
  return requestId;
}
