import { NotFoundError, ValidationError } from '../errors.js';
import { quoted } from '../quote.js';
import type { AccessRequest } from '../types.js';
import type { JitDeps } from './deps.js';

const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Reads a request by the id a person typed, with a clear error when the id is malformed or unknown. */
export async function loadRequest(deps: Pick<JitDeps, 'store'>, requestId: string | undefined): Promise<AccessRequest> {
  const id = (requestId ?? '').trim();
  if (!id) throw new ValidationError('request.missing_id', 'request_id is required: give the id of the access request, such as req_7f3k2m9q.');
  if (!REQUEST_ID.test(id)) throw new ValidationError('request.invalid_id', `${quoted(id, 40)} is not a request id: ids are letters, digits, _ and -.`);
  const request = await deps.store.get(id);
  if (!request) throw new NotFoundError('request.not_found', `There is no access request ${id}. Check the id with list_active_access_requests or view_user_requests.`);
  return request;
}
