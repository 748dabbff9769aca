/**
 * The `kubiya` Enforcer adapter, for the Enforcer a stock Kubiya install runs (`enforcer.kubiya:5001`): its
 * only documented way to allow a tool run is approving the request id it created when it denied that run
 * (`PUT /requests/approve` with `{id, ttl, user_email}`, KUBIYA.md §4). So a grant approves its own denial
 * when it began as one, and otherwise writes nothing at once: each later denial of the person's run within
 * the grant's scope is approved as it comes (`approveDenial`, driven by the core from `pendingDenials` or an
 * id the teammate passes on). The Enforcer has no documented way to withdraw an approval: it lapses at the
 * TTL sent, so `remove` is a logged no-op.
 */
import type { Clock } from '../../core/clock.js';
import { ValidationError } from '../../core/errors.js';
import type { Enforcer, EnforcerDenial, EnforcerGrant, Logger, PendingDenial } from '../../core/ports.js';
import { enforcerHttpError, sendToEnforcer, type EnforcerEndpoint } from './enforcer-http.js';
import { describeEnforcerRequest, kubiyaEndpoint, listEnforcerRequests } from './kubiya-enforcer-api.js';

/** Statuses the Enforcer may give a request that no longer waits (only `approved` is documented; the rest are guesses). */
const SETTLED = new Set(['approved', 'allowed', 'granted', 'expired', 'rejected']);

export { describeEnforcerRequest, listEnforcerRequests } from './kubiya-enforcer-api.js';
export type { EnforcerRequestDetails, EnforcerRequestSummary } from './kubiya-enforcer-api.js';

/** Options for {@link KubiyaEnforcer}. */
export interface KubiyaEnforcerOptions {
  /** The Enforcer's base URL, e.g. `http://enforcer.kubiya:5001`. */
  url: string;
  log: Logger;
  /** Turns `expiresAt` into the TTL the Enforcer wants. */
  clock: Clock;
  timeoutMs?: number;
}

/**
 * The TTL sent to the Enforcer: whole seconds left until `expiresAt`, rounded down so the Enforcer's allow
 * never outlives the grant, written as a Go duration (`"3540s"`), the form the Enforcer's `ttl` accepts
 * (Kubiya's own tools send `1h`, `30m`). Undefined when no whole second is left.
 */
export function enforcerTtl(expiresAt: number, now: number): string | undefined {
  const seconds = Math.floor((expiresAt - now) / 1000);
  return seconds >= 1 ? `${seconds}s` : undefined;
}

/** Approves Enforcer-denied requests for the grant's lifetime. */
export class KubiyaEnforcer implements Enforcer {
  readonly kind = 'kubiya';
  private readonly endpoint: EnforcerEndpoint;
  private readonly log: Logger;
  private readonly clock: Clock;

  constructor(options: KubiyaEnforcerOptions) {
    this.endpoint = kubiyaEndpoint(options.url, options.timeoutMs);
    this.log = options.log;
    this.clock = options.clock;
  }

  /**
   * Approves the Enforcer's request `grant.enforcerRequestId` until `grant.expiresAt`, in the approver's name.
   * A grant asked for before any run (no Enforcer request id) has nothing to approve yet: the person's later
   * denials within its scope are approved through {@link approveDenial} while it lasts.
   */
  async allow(grant: EnforcerGrant): Promise<void> {
    const id = grant.enforcerRequestId;
    if (!id) {
      this.log.info('kubiya enforcer: grant recorded; denials within its scope are approved as they come', {
        enforcer: this.kind,
        grantId: grant.grantId,
        tool: grant.toolName,
        expiresAt: grant.expiresAt,
      });
      return;
    }
    await this.approveDenial(id, grant);
  }

  /** Approves the denied run `id` until `grant.expiresAt` (the whole seconds left), in the grant's approver's name. */
  async approveDenial(id: string, grant: EnforcerGrant): Promise<void> {
    const ttl = enforcerTtl(grant.expiresAt, this.clock.now());
    if (!ttl) {
      throw new ValidationError('enforcer.grant_expired', `Request ${grant.requestId} expires now or has expired: there is no time left to approve it for.`, {
        requestId: grant.requestId,
      });
    }
    const path = '/requests/approve';
    const res = await sendToEnforcer(this.endpoint, 'PUT', path, { id, ttl, user_email: grant.approvedBy });
    if (res.status < 200 || res.status > 299) throw enforcerHttpError(this.endpoint, 'PUT', path, res);
    this.log.info('enforcer request approved', { enforcer: this.kind, grantId: grant.grantId, enforcerRequestId: id, ttl });
  }

  /** What the Enforcer denied under this id (`GET /requests/describe/{id}`). */
  async describeDenial(enforcerRequestId: string): Promise<EnforcerDenial> {
    return describeEnforcerRequest(this.endpoint.baseUrl, enforcerRequestId);
  }

  /** The denials the Enforcer lists (`GET /requests/list`) that are not yet approved or otherwise settled. */
  async pendingDenials(): Promise<PendingDenial[]> {
    const listed = await listEnforcerRequests(this.endpoint.baseUrl);
    return listed
      .filter((entry) => entry.status === undefined || !SETTLED.has(entry.status.toLowerCase()))
      .map(({ id, toolName, parameters, userEmail }) => ({ id, toolName, parameters, userEmail }));
  }

  /** Does nothing but log: the Enforcer has no documented delete, and its allow lapses at the TTL sent. */
  async remove(grant: EnforcerGrant): Promise<void> {
    this.log.info('kubiya enforcer has no delete; its allow lapses at the TTL', {
      enforcer: this.kind,
      grantId: grant.grantId,
      enforcerRequestId: grant.enforcerRequestId,
      expiresAt: grant.expiresAt,
    });
  }
}
