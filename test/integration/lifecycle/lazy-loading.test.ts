import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifecycleHarness, PEOPLE } from '../../support/lifecycle-harness.js';

const VENDOR_SDKS = ['@slack/web-api', '@aws-sdk/', '@okta/okta-sdk-nodejs', 'minisearch', '/yaml/', '/zod/'];

describe('vendor SDKs load only when the tool being run needs them', () => {
  let h: LifecycleHarness;
  let trace: string;

  beforeAll(async () => {
    h = await LifecycleHarness.start();
    // Preloaded into the CLI process: at exit it lists every CommonJS module loaded, ESM imports of CJS included.
    trace = join(h.dir, 'trace.cjs');
    writeFileSync(trace, `process.on('exit', () => require('fs').writeFileSync(process.env.TRACE_OUT, Object.keys(require.cache).join('\\n')));\n`);
  });
  afterAll(async () => h.close());

  async function loadedBy(as: string, args: string[]): Promise<string[]> {
    const out = join(h.dir, `loaded-${args[0]}.txt`);
    const run = await h.run(as, args, { env: { NODE_OPTIONS: `--require ${trace}`, TRACE_OUT: out } });
    expect(run.code, run.stdout).toBe(0);
    return readFileSync(out, 'utf8').split('\n');
  }

  it('describe_access_request loads none of them', async () => {
    const id = (await h.request()).json.request_id as string;
    const loaded = await loadedBy(PEOPLE.dev.email, ['describe_access_request', '--request_id', id]);
    expect(loaded.some((m) => m.includes('better-sqlite3'))).toBe(true); // the trace works
    for (const sdk of VENDOR_SDKS) expect(loaded.filter((m) => m.includes(sdk))).toEqual([]);
  });

  it('request_tool_access loads Slack (it posts) but not AWS or Okta', async () => {
    const loaded = await loadedBy(PEOPLE.dev.email, ['request_tool_access', '--tool_name', 'create_ec2', '--tool_params', '{"region":"eu-west-1"}', '--justification', 'INC-7 reproduction']);
    expect(loaded.some((m) => m.includes('@slack/web-api'))).toBe(true);
    expect(loaded.filter((m) => m.includes('@aws-sdk/') || m.includes('@okta/'))).toEqual([]);
  });
});
