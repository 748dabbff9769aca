import { ListInstanceProfilesCommand, ListPoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
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

/** The grant keys of every hold on shared access (`kjit-hold-<grant key>` under `/kubiya-jit/holds/`). */
export async function listHoldKeys(iam: IAMClient): Promise<string[]> {
  const keys = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await callAws('list the grant holds', () => iam.send(new ListInstanceProfilesCommand({ PathPrefix: '/kubiya-jit/holds/', Marker: marker })));
    for (const profile of page.InstanceProfiles ?? []) {
      const name = profile.InstanceProfileName ?? '';
      if (profile.Path?.startsWith('/kubiya-jit/holds/') && name.startsWith('kjit-hold-')) keys.add(name.slice('kjit-hold-'.length));
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return [...keys].sort();
}
