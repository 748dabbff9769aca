import { OUTAGE_MS, runAwsOutage } from '../outage.js';
import type { ChaosScenario } from '../scenario.js';

/** AWS answers every IAM call with a service error for a minute while grants fall due. */
export const awsErrorOutage: ChaosScenario = {
  name: 'aws-error-outage',
  title: `AWS fails every IAM call for ${OUTAGE_MS / 1000} s (ServiceFailure) as a managed-policy and an S3 grant fall due`,
  aim: 'overshoot ≤ outage + 15 s',
  run: (world) => runAwsOutage(world, { kind: 'fail' }),
};
