/**
 * Asks the OPA stand-in whether a person may run a tool, the way Kubiya's runner asks its Enforcer before a
 * tool run: `POST /v1/data/kubiya/tool_manager/allow` with `{input: {user, tool}}`. The stand-in answers from
 * a JavaScript mirror of configs/enforcer/jit_grants.rego (it labels the answer in `X-Standin`); a real
 * deployment gets the same answer from OPA running that Rego.
 */

/** One decision, with the stand-in's own label for it. */
export interface EnforcerDecision {
  allowed: boolean;
  /** The stand-in's `X-Standin` header: says it is not OPA. */
  label: string;
}

/** The decision for `email` running `tool` with `parameters`, asked at this moment. */
export async function askEnforcer(opaUrl: string, email: string, tool: string, parameters: Record<string, unknown>): Promise<EnforcerDecision> {
  const response = await fetch(`${opaUrl}/v1/data/kubiya/tool_manager/allow`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: { user: { email, groups: [] }, tool: { name: tool, parameters } } }),
  });
  const body = (await response.json()) as { result?: unknown };
  if (!response.ok || typeof body.result !== 'boolean') {
    throw new Error(`the OPA stand-in answered ${response.status} ${JSON.stringify(body)} to a decision query`);
  }
  return { allowed: body.result, label: response.headers.get('x-standin') ?? '' };
}

/** "run create_ec2 {"region":"eu-west-1"} as dana@example.com? ALLOWED" */
export function decisionLine(email: string, tool: string, parameters: Record<string, unknown>, decision: EnforcerDecision): string {
  return `may ${email} run ${tool} ${JSON.stringify(parameters)}?  →  ${decision.allowed ? 'ALLOWED' : 'DENIED'}`;
}
