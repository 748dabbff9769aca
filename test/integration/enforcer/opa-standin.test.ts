import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpaEnforcer } from '../../../scripts/adapters/enforcer/opa-enforcer.js';
import { ManualClock } from '../../../scripts/core/clock.js';
import type { EnforcerGrant } from '../../../scripts/core/ports.js';
import { evaluateJitGrantAllow, startOpaWireServer, type OpaWireServer } from '../../../scripts/standins/opa-wire-server.js';
import { captureLog } from './log-capture.js';

const start = Date.UTC(2026, 0, 1);
const hour = 3_600_000;

const grant: EnforcerGrant = {
  grantId: 'g-1',
  requestId: 'req-1',
  userEmail: 'alice@example.com',
  toolName: 'create_ec2',
  parameters: { region: 'eu-west-1' },
  expiresAt: start + hour,
  approvedBy: 'bob@example.com',
};

const run = (overrides: { email?: string; tool?: string; parameters?: Record<string, unknown> } = {}) => ({
  input: {
    user: { email: overrides.email ?? 'alice@example.com', groups: ['developers'] },
    tool: { name: overrides.tool ?? 'create_ec2', parameters: overrides.parameters ?? { region: 'eu-west-1' } },
  },
});

async function decide(opa: OpaWireServer, body: unknown): Promise<{ result: unknown; label: string | null }> {
  const res = await fetch(`${opa.url}/v1/data/kubiya/tool_manager/allow`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return { result: ((await res.json()) as { result: unknown }).result, label: res.headers.get('x-standin') };
}

describe('the OPA stand-in decision endpoint (a JavaScript mirror of jit_grants.rego)', () => {
  const clock = new ManualClock(start);
  let opa: OpaWireServer;
  beforeAll(async () => {
    opa = await startOpaWireServer({ now: () => clock.now() });
    await new OpaEnforcer({ url: opa.url, log: captureLog().log }).allow(grant);
  });
  afterAll(() => opa.close());

  it('allows the granted run before expiry, and says it is a stand-in', async () => {
    clock.set(start);
    const { result, label } = await decide(opa, run());
    expect(result).toBe(true);
    expect(label).toContain('not OPA');
  });

  it('allows one millisecond before expiry and denies at and after it, with the grant still stored', async () => {
    clock.set(grant.expiresAt - 1);
    expect((await decide(opa, run())).result).toBe(true);
    clock.set(grant.expiresAt);
    expect((await decide(opa, run())).result).toBe(false);
    clock.set(grant.expiresAt + hour);
    expect((await decide(opa, run())).result).toBe(false);
    expect(JSON.stringify(opa.data)).toContain('g-1');
  });

  it('denies a different parameter value, a missing parameter, another user and another tool', async () => {
    clock.set(start);
    expect((await decide(opa, run({ parameters: { region: 'us-east-1' } }))).result).toBe(false);
    expect((await decide(opa, run({ parameters: { instance_type: 't3.micro' } }))).result).toBe(false);
    expect((await decide(opa, run({ parameters: { region: ['eu-west-1'] } }))).result).toBe(false);
    expect((await decide(opa, run({ email: 'mallory@example.com' }))).result).toBe(false);
    expect((await decide(opa, run({ tool: 'delete_ec2' }))).result).toBe(false);
  });

  it('allows exactly the approved parameters: an extra one is another run', async () => {
    clock.set(start);
    expect((await decide(opa, run({ parameters: { region: 'eu-west-1', instance_type: 't3.micro' } }))).result).toBe(false);
    expect((await decide(opa, run({ parameters: {} }))).result).toBe(false);
  });

  it('matches the runner\'s address in any ASCII case, and never a Unicode look-alike', async () => {
    clock.set(start);
    expect((await decide(opa, run({ email: 'Alice@Example.COM' }))).result).toBe(true);
    for (const email of ['\uff21lice@example.com', 'al\u0130ce@example.com', 'alice\u200b@example.com', ' alice@example.com']) {
      expect((await decide(opa, run({ email }))).result, JSON.stringify(email)).toBe(false);
    }
  });

  it('denies once the grant is removed, before expiry', async () => {
    clock.set(start);
    const enforcer = new OpaEnforcer({ url: opa.url, log: captureLog().log });
    await enforcer.allow({ ...grant, grantId: 'g-2' });
    expect((await decide(opa, run())).result).toBe(true);
    await enforcer.remove(grant);
    await enforcer.remove({ ...grant, grantId: 'g-2' });
    expect((await decide(opa, run())).result).toBe(false);
  });
});

describe('evaluateJitGrantAllow mirrors the Rego guards', () => {
  const stored = { user_email: 'a@x', tool_name: 't', parameters: { n: 1 }, expires_at_ns: 2_000 };
  const input = { user: { email: 'a@x' }, tool: { name: 't', parameters: { n: 1 } } };

  it('refuses an expiry that is not a number, however large', () => {
    expect(evaluateJitGrantAllow({ g: stored }, input, 1_000)).toBe(true);
    expect(evaluateJitGrantAllow({ g: { ...stored, expires_at_ns: '99999999999999999999' } }, input, 1_000)).toBe(false);
  });

  it('refuses a grant without a parameters object, and no grants at all', () => {
    expect(evaluateJitGrantAllow({ g: { ...stored, parameters: undefined } }, input, 1_000)).toBe(false);
    expect(evaluateJitGrantAllow(undefined, input, 1_000)).toBe(false);
  });

  it('never folds a Kelvin sign into the k of someone else\'s grant', () => {
    const kim = { ...stored, user_email: 'kim@x' };
    expect(evaluateJitGrantAllow({ g: kim }, { ...input, user: { email: 'KIM@x' } }, 1_000)).toBe(true);
    expect(evaluateJitGrantAllow({ g: kim }, { ...input, user: { email: '\u212aim@x' } }, 1_000)).toBe(false);
  });

  it('compares the whole parameter object: extra, missing, different and nested values', () => {
    const nested = { ...stored, parameters: { o: { a: [1, 2] }, r: 'x' } };
    const params = (parameters: unknown) => ({ ...input, tool: { name: 't', parameters } });
    expect(evaluateJitGrantAllow({ g: nested }, params({ o: { a: [1, 2] }, r: 'x' }), 1_000)).toBe(true);
    expect(evaluateJitGrantAllow({ g: nested }, params({ o: { a: [1, 2] }, r: 'x', extra: 1 }), 1_000)).toBe(false);
    expect(evaluateJitGrantAllow({ g: nested }, params({ o: { a: [1, 2] } }), 1_000)).toBe(false);
    expect(evaluateJitGrantAllow({ g: nested }, params({ o: { a: [1, 2, 3] }, r: 'x' }), 1_000)).toBe(false);
    expect(evaluateJitGrantAllow({ g: nested }, params({ o: { a: [1, 2], b: 0 }, r: 'x' }), 1_000)).toBe(false);
  });

  it('a grant with no parameters (a tool without a schema) allows only runs without parameters', () => {
    const none = { ...stored, parameters: {} };
    expect(evaluateJitGrantAllow({ g: none }, { ...input, tool: { name: 't' } }, 1_000)).toBe(true);
    expect(evaluateJitGrantAllow({ g: none }, { ...input, tool: { name: 't', parameters: {} } }, 1_000)).toBe(true);
    expect(evaluateJitGrantAllow({ g: none }, { ...input, tool: { name: 't', parameters: { any: 'thing' } } }, 1_000)).toBe(false);
  });

  it('compares parameters as JSON values, types included', () => {
    expect(evaluateJitGrantAllow({ g: stored }, { ...input, tool: { name: 't', parameters: { n: '1' } } }, 1_000)).toBe(false);
    expect(evaluateJitGrantAllow({ g: { ...stored, parameters: { o: { a: [1, 2] } } } }, { ...input, tool: { name: 't', parameters: { o: { a: [1, 2] } } } }, 1_000)).toBe(true);
  });
});

describe('the OPA stand-in speaks OPA\'s Data and Policy APIs', () => {
  let opa: OpaWireServer;
  beforeAll(async () => {
    opa = await startOpaWireServer();
  });
  afterAll(() => opa.close());

  it('answers malformed JSON with 400 invalid_parameter', async () => {
    const res = await fetch(`${opa.url}/v1/data/x`, { method: 'PUT', body: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'invalid_parameter' });
  });

  it('answers DELETE of a missing document with 404 resource_not_found', async () => {
    const res = await fetch(`${opa.url}/v1/data/nothing/here`, { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'resource_not_found', message: 'storage_not_found_error: /nothing/here: document does not exist' });
  });

  it('GET returns {result} for a document and {} for an undefined one; If-None-Match: * does not overwrite', async () => {
    await fetch(`${opa.url}/v1/data/a/b`, { method: 'PUT', body: '{"v":1}' });
    expect(await (await fetch(`${opa.url}/v1/data/a/b`)).json()).toEqual({ result: { v: 1 } });
    expect(await (await fetch(`${opa.url}/v1/data/a/zzz`)).json()).toEqual({});
    const again = await fetch(`${opa.url}/v1/data/a/b`, { method: 'PUT', body: '{"v":2}', headers: { 'if-none-match': '*' } });
    expect(again.status).toBe(304);
    expect(opa.data).toMatchObject({ a: { b: { v: 1 } } });
  });

  it('applies JSON Patch operations', async () => {
    const res = await fetch(`${opa.url}/v1/data/a`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([
        { op: 'add', path: '/c', value: 3 },
        { op: 'remove', path: '/b' },
      ]),
    });
    expect(res.status).toBe(204);
    expect(opa.data).toMatchObject({ a: { c: 3 } });
    expect((opa.data.a as Record<string, unknown>).b).toBeUndefined();
  });

  it('stores policies as text by id', async () => {
    const text = 'package kubiya.tool_manager\n';
    expect((await fetch(`${opa.url}/v1/policies/jit_grants.rego`, { method: 'PUT', body: text, headers: { 'content-type': 'text/plain' } })).status).toBe(200);
    expect(opa.policies.get('jit_grants.rego')).toBe(text);
    expect(await (await fetch(`${opa.url}/v1/policies/jit_grants.rego`)).json()).toEqual({ result: { id: 'jit_grants.rego', raw: text } });
  });
});
