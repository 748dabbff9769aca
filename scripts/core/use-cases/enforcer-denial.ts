import type { CatalogEntry } from '../catalog.js';
import { canonicalJson } from '../canonical-json.js';
import { PermissionError, ValidationError } from '../errors.js';
import { sameIdentity } from '../identity.js';
import { quoted, quotedJson } from '../quote.js';
import type { AccessProvider } from '../ports.js';
import type { Json } from '../types.js';

const ENFORCER_REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * For a request that began as an Enforcer denial ("Access denied. Request ID: …"): reads the denied run from
 * the Enforcer and checks it is this person's, for this tool. Returns the parameters to request: the denied
 * run's own, or the ones given, which must then be exactly those.
 */
export async function checkDenial(
  provider: AccessProvider,
  enforcerRequestId: string,
  request: { requester: string; entry: CatalogEntry; params: Record<string, Json>; paramsGiven: boolean },
): Promise<Record<string, Json>> {
  if (!ENFORCER_REQUEST_ID.test(enforcerRequestId)) {
    throw new ValidationError('request.invalid_enforcer_request_id', 'enforcer_request_id must be the id from the "Access denied. Request ID: …" message.');
  }
  if (!provider.describeDenial) {
    throw new ValidationError(
      'request.enforcer_request_unsupported',
      `enforcer_request_id only works with the Kubiya Enforcer (enforcer.type: kubiya); ${request.entry.name} is granted through ${provider.name}. Ask again without it.`,
    );
  }
  const denial = await provider.describeDenial(enforcerRequestId);
  if (!sameIdentity(denial.userEmail, request.requester)) {
    throw new PermissionError('request.enforcer_request_not_yours', `Enforcer request ${enforcerRequestId} is another person's denied run; ask with your own.`);
  }
  if (denial.toolName !== request.entry.name) {
    throw new ValidationError(
      'request.enforcer_request_other_tool',
      `Enforcer request ${enforcerRequestId} is for ${quoted(denial.toolName, 80)}, not ${request.entry.name}; use that tool_name.`,
    );
  }
  if (request.paramsGiven && canonicalJson(request.params) !== canonicalJson(denial.parameters)) {
    throw new ValidationError(
      'request.enforcer_request_other_params',
      `tool_params differ from the denied run's ${quotedJson(denial.parameters, 200)}; leave tool_params empty to request exactly what was denied.`,
    );
  }
  return denial.parameters;
}
