import { ListPoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { callAws } from './aws-errors.js';

const GRANT_POLICY_PATH = /^\/kubiya-jit\/([A-Za-z0-9_+=,.@-]{1,64})\/$/;

/**
 * The grant keys of every per-grant policy the package created (`/kubiya-jit/<grant key>/`), for
 * reconciliation: a key whose request is over, or unknown, is something a crash or a bug left behind.
 */
export async function listGrantPolicyKeys(iam: IAMClient): Promise<string[]> {
  const keys = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await callAws('list the grant policies', () => iam.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/kubiya-jit/', Marker: marker })));
    for (const policy of page.Policies ?? []) {
      const key = GRANT_POLICY_PATH.exec(policy.Path ?? '')?.[1];
      if (key && key !== 'holds') keys.add(key);
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return [...keys].sort();
}
