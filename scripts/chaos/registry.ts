import type { ChaosScenario } from './scenario.js';
import { awsErrorOutage } from './scenarios/aws-error-outage.js';
import { awsThrottleOutage } from './scenarios/aws-throttle-outage.js';
import { brokenCompanionFile } from './scenarios/broken-companion-file.js';
import { hungSlack } from './scenarios/hung-slack.js';
import { killedWorker } from './scenarios/killed-worker.js';

/**
 * Every chaos scenario, in the order `npm run chaos` runs them. One file per scenario in scenarios/; a test
 * checks this list against that folder, so a scenario cannot be written and forgotten.
 */
export const CHAOS_SCENARIOS: readonly ChaosScenario[] = [awsErrorOutage, awsThrottleOutage, hungSlack, killedWorker, brokenCompanionFile];
