/**
 * `npm run demo`: the whole just-in-time lifecycle on this machine, on the embedded default config, with
 * LOCAL STAND-INS for Slack, Okta and OPA and the real compiled CLI run as separate processes; then the AWS
 * part on moto when it is installed. The demo checks its own story and exits non-zero, saying which step,
 * when a step did not behave as told.
 */
import { runAwsDemo } from './aws-demo.js';
import { showRequestAndApproval } from './approval-story.js';
import type { BackgroundCli } from './demo-cli.js';
import { DemoCheckError } from './demo-check.js';
import { DemoOutput } from './demo-output.js';
import { DemoSession } from './demo-session.js';
import { DemoWorld } from './demo-world.js';
import { showExpiry, showGrant } from './expiry-story.js';
import { showSetup } from './setup-story.js';

/** Runs the demo, printing through `print`; resolves to the process exit code. */
async function runDemo(print: (line: string) => void, colour = false): Promise<number> {
  const started = Date.now();
  const out = new DemoOutput(print, colour);
  let world: DemoWorld | undefined;
  let worker: BackgroundCli | undefined;
  let failed = false;
  try {
    world = await DemoWorld.start();
    const session = new DemoSession(out, world);
    await showSetup(session);
    out.note('The expiry worker runs in the background for the whole story, as a deployment runs it:');
    // --max-runtime: should the demo itself die, the worker still stops on its own.
    worker = session.background(['worker', '--max-runtime', '2m']);

    const requestId = await showRequestAndApproval(session);
    const expiresAt = await showGrant(session, requestId);
    await showExpiry(session, requestId, expiresAt, worker);
    worker = undefined;

    out.heading('AWS: a time-bound S3 grant on moto, a local AWS emulator');
    // The SDK warns that releases after January 2027 need Node 22; package-lock.json pins ones that run on
    // Node 20, so in the demo the warning is only noise between its lines.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    await runAwsDemo((line) => out.note(line));

    print('');
    print(`Demo finished in ${((Date.now() - started) / 1000).toFixed(1)} s: every step behaved as the story says.`);
    return 0;
  } catch (err) {
    failed = true;
    reportFailure(print, err, world);
    return 1;
  } finally {
    await worker?.stop().catch(() => undefined);
    // On failure the SQLite file and operator log stay behind for a look.
    await world?.close(failed);
  }
}

function reportFailure(print: (line: string) => void, err: unknown, world: DemoWorld | undefined): void {
  print('');
  if (err instanceof DemoCheckError) {
    print(`DEMO FAILED at step "${err.step}": ${err.message}`);
    if (err.detail) for (const line of err.detail.split('\n').slice(0, 20)) print(`  | ${line}`);
  } else {
    print(`DEMO FAILED: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (world) print(`The operator log is kept at ${world.logPath} and the database at ${world.databasePath}.`);
}

const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
process.exitCode = await runDemo((line) => process.stdout.write(`${line}\n`), colour);
// Every server and child is closed by now; this only guards against a stray handle keeping the demo alive.
setTimeout(() => process.exit(), 2_000).unref();
