import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../../scripts/console/api/api-routes.js';
import { ConsoleWorld } from '../../../scripts/demo/console-world.js';
import { ConsoleClient } from '../../support/console-client.js';

const CLI = resolve(__dirname, '../../../dist/scripts/cli.js');
const run = promisify(execFile);

/** Runs a tool with the CLI as `email`, as a Kubiya teammate would, and returns its `--output json` answer. */
async function cli(world: ConsoleWorld, email: string, args: string[]): Promise<Record<string, unknown>> {
  const answer = await run(process.execPath, [CLI, ...args, '--output', 'json'], { env: world.env({ KUBIYA_USER_EMAIL: email }) }).catch((err: { stdout: string }) => err);
  return JSON.parse(answer.stdout) as Record<string, unknown>;
}

let world: ConsoleWorld;
let dev: ConsoleClient;
let alice: ConsoleClient;
let erin: ConsoleClient;

beforeAll(async () => {
  world = await ConsoleWorld.start();
  [dev, alice, erin] = await Promise.all([
    new ConsoleClient(world.baseUrl).signIn('dev@example.com'),
    new ConsoleClient(world.baseUrl).signIn('alice@example.com', 'github'),
    new ConsoleClient(world.baseUrl).signIn('erin@example.com'),
  ]);
}, 60_000);

afterAll(async () => {
  await world?.close();
});

/** How many audit events the store holds, read with the operator's own command. */
async function auditCount(): Promise<number> {
  const out = await run(process.execPath, [CLI, 'audit', 'export', '--output', 'json'], { env: world.env() }).catch((err: { stdout: string }) => err);
  return (JSON.parse(out.stdout) as { events: number }).events;
}

const ask = (client: ConsoleClient, body: Record<string, unknown> = {}) =>
  client.api('POST', '/api/v1/requests', { tool_name: 'create_ec2', tool_params: { region: 'eu-west-1' }, ttl: '30m', justification: 'INC-42 scale out', ...body });

describe('the HTTP API runs the tools use cases', () => {
  it('answers health and readiness without a credential', async () => {
    expect((await (await fetch(`${world.baseUrl}/healthz`)).json()).status).toBe('live');
    expect((await (await fetch(`${world.baseUrl}/readyz`)).json()).status).toBe('ready');
    const anonymous = await fetch(`${world.baseUrl}/api/v1/requests`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).code).toBe('auth.required');
  });

  it('takes a request through approval, describe, list and revoke, and the audit trail records each step', async () => {
    const made = await ask(dev);
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ ok: true, status: 'approval_pending', requester: 'dev@example.com' });
    const id = String(made.json.request_id);

    const queue = await alice.api('GET', '/api/v1/requests');
    expect((queue.json.requests as { request_id: string }[]).map((r) => r.request_id)).toContain(id);

    const decided = await alice.api('POST', `/api/v1/requests/${id}/decision`, { approval_action: 'approve', ttl: '20m' });
    expect(decided.status).toBe(200);
    expect(decided.json).toMatchObject({ ok: true, status: 'access_granted', decided_by: 'alice@example.com', ttl_seconds: 1200 });
    expect(world.hasGrant(id)).toBe(true);

    const described = await dev.api('GET', `/api/v1/requests/${id}`);
    expect(described.json.status).toBe('access_granted');
    const revoked = await dev.api('POST', `/api/v1/requests/${id}/revoke`, { reason: 'done' });
    expect(revoked.status).toBe(200);
    expect(revoked.json.status).toBe('revoked');
    expect(world.hasGrant(id)).toBe(false);

    const audit = await erin.api('GET', `/api/v1/audit/events?request_id=${id}`);
    const types = (audit.json.events as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['request_created', 'request_approved', 'access_granted', 'revocation_started']));
  });

  it('lists the requester\'s pending requests with the tool\'s filters, and lets the requester cancel them', async () => {
    const ids: string[] = [];
    for (const n of [1, 2]) ids.push(String((await ask(dev, { justification: `batch ${n}` })).json.request_id));
    const first = await dev.api('GET', '/api/v1/user-requests?status=approval_pending&limit=1');
    expect((first.json.requests as unknown[]).length).toBe(1);
    expect(typeof first.json.next_cursor).toBe('string');
    const second = await dev.api('GET', `/api/v1/user-requests?status=approval_pending&limit=1&cursor=${encodeURIComponent(String(first.json.next_cursor))}`);
    const seen = [first, second].flatMap((page) => (page.json.requests as { request_id: string }[]).map((r) => r.request_id));
    expect(seen).toEqual([ids[1], ids[0]]);
    const badStatus = await dev.api('GET', '/api/v1/user-requests?status=sleeping');
    expect(badStatus.status).toBe(400);
    const found = await dev.api('GET', '/api/v1/requests/search?query=batch');
    expect((found.json.requests as unknown[]).length).toBeGreaterThanOrEqual(2);
    for (const id of ids) expect((await dev.api('POST', `/api/v1/requests/${id}/cancel`, {})).json.status).toBe('cancelled');
    const notMine = await alice.api('POST', `/api/v1/requests/${ids[0]}/cancel`, {});
    expect(notMine.status).toBeGreaterThanOrEqual(400);
  });

  it('previews the approvers without storing anything', async () => {
    const before = (await erin.api('GET', '/api/v1/audit/events?limit=5000')).json.events as unknown[];
    const preview = await dev.api('POST', '/api/v1/approvers/preview', { tool_name: 'create_ec2', tool_params: { region: 'us-east-1' } });
    expect(preview.status).toBe(200);
    expect(preview.json.approvers).toEqual(['alice@example.com', 'bob@example.com']);
    const after = (await erin.api('GET', '/api/v1/audit/events?limit=5000')).json.events as unknown[];
    expect(after.length).toBe(before.length);
  });

  it('exports the audit log as JSON Lines and verifies its chain with the head hash, for auditors only', async () => {
    const exported = await erin.fetch('/api/v1/audit/export');
    expect(exported.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await exported.text()).trim().split('\n').map((l) => JSON.parse(l) as { seq: number; hash: string });
    expect(lines.length).toBeGreaterThan(3);
    const verdict = await erin.api('GET', '/api/v1/audit/verify');
    expect(verdict.json).toMatchObject({ ok: true });
    expect(JSON.stringify(verdict.json)).toContain(lines.at(-1)!.hash);
    const refused = await dev.api('GET', '/api/v1/audit/export');
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('audit.not_auditor');
  });
});

describe('the rules hold over HTTP exactly as in the tools', () => {
  it('refuses self-approval with the code the CLI gives, and the request stays pending', async () => {
    const id = String((await ask(dev)).json.request_id);
    const refused = await dev.api('POST', `/api/v1/requests/${id}/decision`, { approval_action: 'approve' });
    expect(refused.status).toBe(403);
    const viaCli = await cli(world, 'dev@example.com', ['approve_tool_access_request', '--request_id', id, '--approval_action', 'approve']);
    expect(refused.json).toMatchObject({ ok: false, code: viaCli.code });
    expect(refused.json.code).toBe('approval.self_approval');
    expect((await dev.api('GET', `/api/v1/requests/${id}`)).json.status).toBe('approval_pending');
    expect(world.hasGrant(id)).toBe(false);
  });

  it('refuses an approver who is not in the approver groups', async () => {
    const id = String((await ask(dev)).json.request_id);
    const refused = await erin.api('POST', `/api/v1/requests/${id}/decision`, { approval_action: 'approve' });
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('approval.not_eligible');
    expect((await dev.api('GET', `/api/v1/requests/${id}`)).json.status).toBe('approval_pending');
  });

  it('refuses a TTL over the maximum on request and on approval, creating and granting nothing', async () => {
    const countBefore = ((await erin.api('GET', '/api/v1/audit/events?type=request_created&limit=5000')).json.events as unknown[]).length;
    const over = await ask(dev, { ttl: '10h' });
    expect(over.status).toBe(400);
    expect(over.json.code).toBe('request.ttl_over_maximum');
    expect(((await erin.api('GET', '/api/v1/audit/events?type=request_created&limit=5000')).json.events as unknown[]).length).toBe(countBefore);

    const id = String((await ask(dev)).json.request_id);
    const longer = await alice.api('POST', `/api/v1/requests/${id}/decision`, { approval_action: 'approve', ttl: '5h' });
    expect(longer.status).toBe(400);
    expect(longer.json.code).toBe('request.ttl_over_maximum');
    expect(world.hasGrant(id)).toBe(false);
    const rejected = await alice.api('POST', `/api/v1/requests/${id}/decision`, { approval_action: 'reject', reason: 'not during the freeze' });
    expect(rejected.json).toMatchObject({ status: 'access_denied' });
    expect(JSON.stringify(rejected.json)).toContain('not during the freeze');
  });

  it('refuses bad input with a code naming the field, and keeps nothing', async () => {
    const unknownField = await ask(dev, { tll: '1h' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.json).toMatchObject({ code: 'http.unknown_field' });
    expect(String(unknownField.json.message)).toContain('tll');
    const badParams = await ask(dev, { tool_params: { region: 'mars-1' } });
    expect(badParams.status).toBe(400);
    expect(badParams.json.code).toBe('request.params_invalid');
    const notJson = await dev.fetch('/api/v1/requests', { method: 'POST', body: '{oops', headers: { 'content-type': 'application/json', 'x-csrf-token': await dev.csrf() } });
    expect(notJson.status).toBe(400);
    const body = (await notJson.json()) as Record<string, unknown>;
    expect(body.code).toBe('http.invalid_json');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.js|stack/i);
    const missing = await ask(dev, { justification: '' });
    expect(missing.json.code).toBe('request.missing_justification');
  });

  it('refuses to show a request to someone not involved, revealing none of it, not even that it exists', async () => {
    const id = String((await ask(dev, { justification: 'secret-project-x' })).json.request_id);
    const auditBefore = await auditCount();
    const seen = await erin.api('GET', `/api/v1/requests/${id}`);
    const text = JSON.stringify(seen.json);
    expect(text).not.toContain('secret-project-x');
    expect(text).not.toContain('dev@example.com');
    expect(text).not.toContain('create_ec2');
    // An id that exists but is not erin's answers exactly as one that does not exist: same status, code, words.
    const unknown = 'req_00000000deadbeef';
    const none = await erin.api('GET', `/api/v1/requests/${unknown}`);
    expect(seen.status).toBe(404);
    expect(none.status).toBe(404);
    expect(seen.json).toEqual({ ok: false, code: 'request.not_found', message: `No request ${id} that you can see. Check the id with list_active_access_requests or view_user_requests.` });
    expect(JSON.stringify(none.json).replaceAll(unknown, 'ID')).toBe(JSON.stringify(seen.json).replaceAll(id, 'ID'));
    const page = await erin.fetch(`/requests/${id}`);
    const nonePage = await erin.fetch(`/requests/${unknown}`);
    expect(page.status).toBe(404);
    expect(nonePage.status).toBe(404);
    const pageText = await page.text();
    expect(pageText).not.toContain('secret-project-x');
    expect(pageText).toContain(`No request ${id} that you can see.`);
    // The same page, but for the id and the per-response script nonce.
    const same = (html: string, shown: string) => html.replaceAll(shown, 'ID').replace(/nonce="[^"]*"/g, '');
    expect(same(await nonePage.text(), unknown)).toBe(same(pageText, id));
    // Looking leaves no trace in the audit log either way (as before).
    expect(await auditCount()).toBe(auditBefore);
    // The CLI and the tool answer the same way too.
    const tool = await cli(world, 'erin@example.com', ['describe_access_request', '--request_id', id]);
    const toolNone = await cli(world, 'erin@example.com', ['describe_access_request', '--request_id', unknown]);
    expect(tool).toEqual({ ok: false, code: 'request.not_found', message: seen.json.message });
    expect(JSON.stringify(toolNone).replaceAll(unknown, 'ID')).toBe(JSON.stringify(tool).replaceAll(id, 'ID'));
  });

  it('stops cross-site and token-less state changes (CSRF) before anything happens', async () => {
    const crossSite = await dev.fetch('/api/v1/requests', {
      method: 'POST',
      origin: 'https://evil.example',
      headers: { 'content-type': 'application/json', 'x-csrf-token': await dev.csrf() },
      body: JSON.stringify({ tool_name: 'create_ec2', tool_params: { region: 'eu-west-1' }, justification: 'csrf' }),
    });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { code: string }).code).toBe('auth.cross_site');
    const noToken = await dev.fetch('/request', { method: 'POST', body: new URLSearchParams({ tool_name: 'create_ec2', 'param.region': 'eu-west-1', justification: 'csrf' }) });
    expect(noToken.status).toBe(403);
    const wrongToken = await dev.form('/request', { tool_name: 'create_ec2', 'param.region': 'eu-west-1', justification: 'csrf' }, await alice.csrf());
    expect(wrongToken.status).toBe(403);
    const search = await dev.api('GET', '/api/v1/requests/search?query=csrf');
    expect((search.json.requests as unknown[]).length).toBe(0);
  });

  it('renders a script typed into a justification as text', async () => {
    const id = String((await ask(dev, { justification: '<script>alert(1)</script><img src=x onerror=alert(2)>' })).json.request_id);
    const page = await alice.fetch(`/requests/${id}`);
    const html = await page.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('analytics', () => {
  it('shows approvers the access_analytics figures, on the API and as a page, and refuses others', async () => {
    const page = await alice.fetch('/analytics?since=7d');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="analytics-usage"');
    expect(html).toContain('data-testid="analytics-security"');
    const refused = await dev.api('GET', '/api/v1/analytics');
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('analytics.not_an_approver');
    const badFilter = await alice.api('GET', '/api/v1/analytics?since=yesterday-ish');
    expect(badFilter.status).toBe(400);
  });
});

describe('the OpenAPI document', () => {
  type Doc = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: unknown }> }> }>>; components: unknown };

  it('is OpenAPI 3.1, public, and lists every route the server mounts', async () => {
    const response = await fetch(`${world.baseUrl}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    for (const route of API_ROUTES) expect(doc.paths[route.path]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
    // And the other way round: nothing in the document that the server does not answer.
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        const probe = await fetch(`${world.baseUrl}${path.replace('{request_id}', 'req_missing0000')}`, { method: method.toUpperCase(), headers: { origin: world.baseUrl } });
        const code = probe.headers.get('content-type')?.includes('json') ? ((await probe.json()) as { code?: string }).code : undefined;
        expect(code, `${method} ${path}`).not.toBe('http.not_found');
      }
    }
  });

  it('describes the answers the server really gives', async () => {
    const doc = (await (await fetch(`${world.baseUrl}/api/v1/openapi.json`)).json()) as Doc;
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const check = (method: string, path: string, status: number, body: unknown) => {
      const schema = doc.paths[path]![method]!.responses[String(status)]!.content['application/json']!.schema as Record<string, unknown>;
      const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"doc#/components')) as object);
      expect(validate(body), `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    };
    const made = await ask(dev, { justification: 'openapi check' });
    check('post', '/api/v1/requests', 201, made.json);
    const id = String(made.json.request_id);
    check('get', '/api/v1/requests/{request_id}', 200, (await dev.api('GET', `/api/v1/requests/${id}`)).json);
    check('get', '/api/v1/requests', 200, (await alice.api('GET', '/api/v1/requests')).json);
    check('get', '/api/v1/user-requests', 200, (await dev.api('GET', '/api/v1/user-requests')).json);
    check('get', '/api/v1/requests/search', 200, (await dev.api('GET', '/api/v1/requests/search?query=openapi')).json);
    check('get', '/api/v1/catalog', 200, (await dev.api('GET', '/api/v1/catalog')).json);
    check('get', '/api/v1/me', 200, (await dev.api('GET', '/api/v1/me')).json);
    check('post', '/api/v1/approvers/preview', 200, (await dev.api('POST', '/api/v1/approvers/preview', { tool_name: 'create_ec2' })).json);
    const selfApproval = await dev.api('POST', `/api/v1/requests/${id}/decision`, { approval_action: 'approve' });
    check('post', '/api/v1/requests/{request_id}/decision', 403, selfApproval.json);
    const granted = await alice.api('POST', `/api/v1/requests/${id}/decision`, { approval_action: 'approve' });
    check('post', '/api/v1/requests/{request_id}/decision', 200, granted.json);
    const noReason = await dev.api('POST', `/api/v1/requests/${id}/revoke`, {});
    check('post', '/api/v1/requests/{request_id}/revoke', 400, noReason.json);
    const revoked = await dev.api('POST', `/api/v1/requests/${id}/revoke`, { reason: "I'm done" });
    check('post', '/api/v1/requests/{request_id}/revoke', 200, revoked.json);
    check('get', '/api/v1/audit/events', 200, (await erin.api('GET', `/api/v1/audit/events?request_id=${id}`)).json);
    check('get', '/api/v1/audit/verify', 200, (await erin.api('GET', '/api/v1/audit/verify')).json);
    check('get', '/api/v1/analytics', 200, (await alice.api('GET', '/api/v1/analytics?since=7d')).json);
    check('get', '/healthz', 200, await (await fetch(`${world.baseUrl}/healthz`)).json());
    // A body that breaks the documented shape must fail, or the checks above prove nothing.
    expect(() => check('get', '/api/v1/me', 200, { ok: true })).toThrow();
  });
});

describe('the server', () => {
  it('writes one JSON line per request and never logs a query string', () => {
    const http = world.lines.filter((l) => l.message === 'http');
    expect(http.length).toBeGreaterThan(10);
    expect(http.every((l) => typeof l.path === 'string' && !String(l.path).includes('?') && typeof l.status === 'number')).toBe(true);
    expect(world.lines.some((l) => 'unparsed' in l)).toBe(false);
  });

  it('shuts down gracefully on SIGTERM, ending open event streams', async () => {
    const stream = await dev.fetch('/events?view=mine');
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reading = stream.body!.getReader();
    const drained = (async () => {
      while (!(await reading.read()).done);
      return 'ended';
    })();
    expect(await world.stopServer()).toBe(0);
    expect(await drained).toBe('ended');
    expect(world.lines.some((l) => l.message === 'stopping' && l.signal === 'SIGTERM')).toBe(true);
  });
});
