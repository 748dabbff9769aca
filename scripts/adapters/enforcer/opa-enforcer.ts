/**
 * The `opa` Enforcer adapter: writes each grant as a document in OPA's data tree through OPA's REST data API
 * (`PUT`/`DELETE /v1/data/kubiya/jit/grants/{grantId}`), using Node's global `fetch`. The Rego module the
 * package ships (configs/enforcer/jit_grants.rego) allows a tool run only while a matching document exists
 * *and* `time.now_ns()` is before its `expires_at_ns`, so the allow lapses at expiry even if `remove` never comes.
 */
import type { Enforcer, EnforcerGrant, Logger } from '../../core/ports.js';
import type { Json } from '../../core/types.js';
import { enforcerHttpError, sendToEnforcer, type EnforcerEndpoint } from './enforcer-http.js';

/** Where grants live in OPA's data tree; the Rego reads `data.kubiya.jit.grants`. */
export const OPA_GRANTS_PATH = '/v1/data/kubiya/jit/grants';

/** Options for {@link OpaEnforcer}. */
export interface OpaEnforcerOptions {
  /** OPA's base URL, e.g. `http://opa.kubiya:8181`. */
  url: string;
  /** Bearer token for OPA started with `--authentication=token`. */
  token?: string;
  log: Logger;
  /** Milliseconds to wait for OPA; 10 s when omitted. */
  timeoutMs?: number;
}

/**
 * The document written for one grant: what the Rego matches on (`user_email`, `tool_name`, `parameters`,
 * `expires_at_ns`) plus fields a person auditing OPA's data can read (`expires_at`, `request_id`, `approved_by`).
 *
 * `expires_at_ns` is a JSON number because Rego compares it with `time.now_ns()` (a number); a string would
 * compare by type order instead. Epoch milliseconds times 10^6 exceeds 2^53, but JSON serialisation of it
 * is still exact: JavaScript prints the shortest decimal that round-trips, which is the millisecond digits
 * followed by six zeros (see the unit test).
 */
export function opaGrantDocument(grant: EnforcerGrant): Record<string, Json> {
  return {
    user_email: grant.userEmail,
    tool_name: grant.toolName,
    parameters: grant.parameters,
    expires_at_ns: grant.expiresAt * 1_000_000,
    expires_at: new Date(grant.expiresAt).toISOString(),
    request_id: grant.requestId,
    approved_by: grant.approvedBy,
  };
}

/** The data API path of one grant's document; the id is one URL-encoded path segment. */
export function opaGrantPath(grantId: string): string {
  return `${OPA_GRANTS_PATH}/${encodeURIComponent(grantId)}`;
}

/** Writes and deletes time-bound allows in OPA's data tree. */
export class OpaEnforcer implements Enforcer {
  readonly kind = 'opa';
  private readonly endpoint: EnforcerEndpoint;
  private readonly log: Logger;

  constructor(options: OpaEnforcerOptions) {
    this.endpoint = {
      label: 'OPA Enforcer',
      baseUrl: options.url.replace(/\/+$/, ''),
      token: options.token,
      timeoutMs: options.timeoutMs ?? 10_000,
    };
    this.log = options.log;
  }

  /** Creates or overwrites the grant's document (PUT is idempotent, so writing it again is success). */
  async allow(grant: EnforcerGrant): Promise<void> {
    const path = opaGrantPath(grant.grantId);
    const res = await sendToEnforcer(this.endpoint, 'PUT', path, opaGrantDocument(grant));
    if (res.status < 200 || res.status > 299) throw enforcerHttpError(this.endpoint, 'PUT', path, res);
    this.log.info('enforcer allow written', { enforcer: this.kind, grantId: grant.grantId, tool: grant.toolName, expiresAt: grant.expiresAt });
  }

  /**
   * Deletes the grant's document. OPA answers 404 `resource_not_found` when it is already gone, which is
   * success here; any other 404 (a wrong URL prefix, a proxy) is an error, so a misconfiguration is not
   * mistaken for a completed removal.
   */
  async remove(grant: EnforcerGrant): Promise<void> {
    const path = opaGrantPath(grant.grantId);
    const res = await sendToEnforcer(this.endpoint, 'DELETE', path);
    if (res.status === 404 && isOpaNotFound(res.text)) {
      this.log.info('enforcer allow already gone', { enforcer: this.kind, grantId: grant.grantId });
      return;
    }
    if (res.status < 200 || res.status > 299) throw enforcerHttpError(this.endpoint, 'DELETE', path, res);
    this.log.info('enforcer allow removed', { enforcer: this.kind, grantId: grant.grantId });
  }
}

function isOpaNotFound(text: string): boolean {
  try {
    const body = JSON.parse(text) as { code?: unknown } | null;
    return body !== null && typeof body === 'object' && body.code === 'resource_not_found';
  } catch {
    return false;
  }
}
