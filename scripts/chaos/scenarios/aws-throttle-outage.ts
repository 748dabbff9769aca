import { OUTAGE_MS, runAwsOutage } from '../outage.js';
import type { ChaosScenario } from '../scenario.js';

/** AWS throttles every IAM call for a minute while grants fall due. */
export const awsThrottleOutage: ChaosScenario = {
  name: 'aws-throttle-outage',
  title: `AWS throttles every IAM call for ${OUTAGE_MS / 1000} s (Throttling) as a managed-policy and an S3 grant fall due`,
  aim: 'overshoot ≤ outage + 15 s',
  run: (world) => runAwsOutage(world, { kind: 'throttle' }),
};
