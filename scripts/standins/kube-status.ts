/**
 * The API server's `Status` error objects (meta/v1 Status): the body of every non-2xx answer, with the
 * `reason` and `code` clients branch on. Part of the Kubernetes API stand-in (tests and the demo only).
 */

/** A `Status` reply: HTTP status and the Status object. */
export interface StatusReply {
  status: number;
  body: Record<string, unknown>;
}

/** What a Status names: the object's group, kind (plural resource) and name. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason: string; message: string; field: string }[];
}

/** A failure Status with `reason` and HTTP `code`. */
export function statusFailure(code: number, reason: string, message: string, details?: StatusDetails): StatusReply {
  return {
    status: code,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code },
  };
}

/** `{resource}.{group} "{name}" not found`, 404. */
export function notFound(resource: string, group: string, name: string): StatusReply {
  return statusFailure(404, 'NotFound', `${qualified(resource, group)} "${name}" not found`, { name, ...(group ? { group } : {}), kind: resource });
}

/** `{resource}.{group} "{name}" already exists`, 409. */
export function alreadyExists(resource: string, group: string, name: string): StatusReply {
  return statusFailure(409, 'AlreadyExists', `${qualified(resource, group)} "${name}" already exists`, { name, ...(group ? { group } : {}), kind: resource });
}

/** A write against a stale resourceVersion or UID precondition, 409 Conflict. */
export function conflict(resource: string, group: string, name: string, why: string): StatusReply {
  return statusFailure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": ${why}`, {
    name,
    ...(group ? { group } : {}),
    kind: resource,
  });
}

/** 403 Forbidden for a request the caller is not authorized to make. */
export function forbidden(message: string, resource: string, group: string, name?: string): StatusReply {
  return statusFailure(403, 'Forbidden', message, { ...(name ? { name } : {}), ...(group ? { group } : {}), kind: resource });
}

/** 422 Invalid, naming the field. */
export function invalid(kind: string, group: string, name: string, field: string, message: string): StatusReply {
  return statusFailure(422, 'Invalid', `${kind}.${group || 'core'} "${name}" is invalid: ${field}: ${message}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

/** 401 for a missing or unknown bearer token. */
export function unauthorized(): StatusReply {
  return statusFailure(401, 'Unauthorized', 'Unauthorized');
}

/** A success Status (what DELETE of an RBAC object answers). */
export function statusSuccess(resource: string, group: string, name: string, uid: string): StatusReply {
  return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group, kind: resource, uid } } };
}

function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}
