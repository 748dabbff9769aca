/**
 * `npm run bench`: prints the figures the issues name. Speed is measured here, never asserted in tests.
 */
import { benchApprovers } from './approvers-bench.js';
import { benchBundleSize } from './bundle-size-bench.js';
import { benchDescribe } from './describe-bench.js';

const ms = (value: number) => `${value.toFixed(1)} ms`;

const describe = await benchDescribe();
console.log(`describe_access_request on ${describe.requests.toLocaleString('en')} requests, ${describe.runs} runs each:`);
console.log(`  bare node -e 0           median ${ms(describe.bareMedianMs)}  p90 ${ms(describe.bareP90Ms)}`);
console.log(`  kubiya-jit describe      median ${ms(describe.describeMedianMs)}  p90 ${ms(describe.describeP90Ms)}`);
console.log(`  ratio                    ${describe.ratio.toFixed(1)}x (aim: within 3x of bare Node)`);

const approvers = await benchApprovers();
console.log(`approver resolution, Okta group of ${approvers.members.toLocaleString('en')} members in pages of 200 (local stand-in):`);
console.log(`  cold                     ${ms(approvers.coldMs)}`);
console.log(`  cache warm               ${ms(approvers.warmMs)}`);

const size = benchBundleSize();
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`kubiya_bundle.json, ${size.tools} tools:`);
console.log(`  whole file               ${kb(size.bundleBytes)}`);
console.log(`  config package per tool  ${kb(size.packageBytes)} (the same config as plain files: ${kb(size.plainBytes)})`);
