/**
 * An approved, active grant covers the person's later Enforcer denials within its scope: with the Kubiya
 * Enforcer a grant asked for before any run ("I need create_ec2 for an hour") writes nothing at approval, and
 * each run it then denies is approved for the grant's remaining time, audited, without asking the approvers
 * again. Out of scope (another tool, other parameters, another person, an ended or revoked grant) means no.
 */
import { canonicalJson } from '../canonical-json.js';
import { sameIdentity } from '../identity.js';
import { isSamePerson, requesterOf } from '../people.js';
import type { AccessProvider, EnforcerDenial } from '../ports.js';
import type { AccessRequest } from '../types.js';
import type { JitDeps } from './deps.js';
import { grantContext, removalTarget } from './grant-context.js';
import { checkRow } from './verify-row.js';
import { transition } from './transition.js';

/** A grant must have at least this long left to approve a run under it (the Enforcer takes whole seconds). */
const MIN_REMAINING_MS = 1_000;

/**
 * The active grant that covers this denied run, if any: `access_granted` through the Enforcer, the same
 * person (by directory id where one was recorded, and still ACTIVE), the same tool, exactly the same
 * parameters, at least a second left, and a stored row that agrees with its audit trail. The longest-lasting one when several do.
 */
export async function findCoveringGrant(deps: JitDeps, denial: EnforcerDenial): Promise<AccessRequest | undefined> {
  const now = deps.clock.now();
  const candidates = (await deps.store.list({ statuses: ['access_granted'], toolName: denial.toolName, limit: 200 })).filter(
    (grant) =>
      sameIdentity(denial.userEmail, grant.requester) &&
      removalTarget(grant, deps.catalog)?.provider === 'enforcer' &&
      canonicalJson(grant.toolParams) === canonicalJson(denial.parameters) &&
      (grant.expiresAt ?? 0) - now >= MIN_REMAINING_MS,
  );
  candidates.sort((a, b) => (b.expiresAt ?? 0) - (a.expiresAt ?? 0));
  for (const grant of candidates) {
    // The denial names an address; the grant was for a person, who must still be ACTIVE. An address now held
    // by someone else (another directory id) is not them.
    const person = await deps.directory.findPerson(grant.requester);
    if (!person?.active) continue;
    const party = person.id ? { email: grant.requester, id: person.id } : { email: grant.requester };
    if (!isSamePerson(party, requesterOf(grant))) continue;
    if ((await checkRow(deps, grant, 'enforcer auto-approval')).mismatches.length > 0) continue;
    return grant;
  }
  return undefined;
}

/**
 * Approves the denied run `enforcerRequestId` under `grant` for its remaining time, in its approver's name.
 * The approval is recorded on the grant first, as a compare-and-swap that requires it still active, so a grant
 * revoked meanwhile approves nothing; the Enforcer call follows. Returns the updated grant, or undefined when
 * the grant ended (or changed) before the approval could be recorded.
 */
export async function approveUnderGrant(
  deps: JitDeps,
  provider: AccessProvider,
  grant: AccessRequest,
  enforcerRequestId: string,
  via: 'request_tool_access' | 'sweep',
): Promise<AccessRequest | undefined> {
  const target = removalTarget(grant, deps.catalog);
  if (!provider.approveDenial || !target || grant.status !== 'access_granted') return undefined;
  if (grant.enforcerApprovals?.includes(enforcerRequestId)) return grant;
  const remaining = Math.floor(((grant.expiresAt ?? 0) - deps.clock.now()) / 1000);
  const recorded = await transition(deps, grant, 'annotate', { enforcerApprovals: [...(grant.enforcerApprovals ?? []), enforcerRequestId] }, [
    {
      type: 'enforcer_denial_auto_approved',
      actor: 'kubiya-jit',
      data: { grant: grant.id, enforcer_request_id: enforcerRequestId, approved_by: grant.decidedBy ?? '', ttl_seconds: remaining, via },
    },
  ]);
  if (!recorded) return undefined;
  try {
    await provider.approveDenial(enforcerRequestId, grantContext(recorded, target));
  } catch (err) {
    // Taken off the grant again, so the next sweep retries it; if the grant moved on meanwhile, the event alone says so.
    const failed = { type: 'enforcer_denial_approval_failed', actor: 'kubiya-jit', data: { grant: grant.id, enforcer_request_id: enforcerRequestId } };
    const undone = await transition(deps, recorded, 'annotate', { enforcerApprovals: grant.enforcerApprovals ?? [] }, [failed]);
    if (!undone) await deps.store.appendAudit([{ requestId: grant.id, at: deps.clock.now(), ...failed }]);
    throw err;
  }
  deps.log.info('enforcer denial approved under an active grant', { requestId: grant.id, enforcerRequestId, via, ttlSeconds: remaining });
  return recorded;
}
