/**
 * The `kubiya` Enforcer adapter: approves a tool run the Kubiya Enforcer denied, through the Enforcer's own
 * API (`PUT /requests/approve` with `{id, ttl, user_email}`, KUBIYA.md §4). It only works for requests that
 * began as an Enforcer denial (the grant carries the Enforcer's request id). The Enforcer has no documented
 * way to withdraw an approval: it lapses at the TTL, so `remove` is a logged no-op.
 */
import type { Clock } from '../../core/clock.js';
import { ValidationError } from '../../core/errors.js';
import type { Enforcer, EnforcerDenial, EnforcerGrant, Logger } from '../../core/ports.js';
import { enforcerHttpError, sendToEnforcer, type EnforcerEndpoint } from './enforcer-http.js';
import { describeEnforcerRequest, kubiyaEndpoint } from './kubiya-enforcer-api.js';

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

  /** Approves the Enforcer's request `grant.enforcerRequestId` until `grant.expiresAt`, in the approver's name. */
  async allow(grant: EnforcerGrant): Promise<void> {
    const id = grant.enforcerRequestId;
    if (!id) {
      throw new ValidationError(
        'enforcer.no_enforcer_request',
        `The kubiya enforcer can only approve a request that began as an Enforcer denial ("Access denied. Request ID: …"), ` +
          `and request ${grant.requestId} has no Enforcer request id. Set enforcer.type to "opa" to write allows for any request.`,
        { requestId: grant.requestId },
      );
    }
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
