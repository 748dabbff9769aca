/**
 * People as the directory knows them, not as strings. A person is resolved by their primary email (see the
 * {@link Directory} contract) to the directory's stable id, and two people are the same only when their ids
 * are. Where the directory has no ids (the config's group lists) the normalised email stands in, explicitly.
 */
import type { Directory } from './ports.js';
import type { AccessRequest } from './types.js';

/** One person on a request or running a tool: their normalised email and, where the directory has one, its id. */
export interface Party {
  email: string;
  id?: string;
}

/**
 * Whether `actor` is the person recorded as `recorded`. When an id was recorded, only an equal id counts: an
 * address that now belongs to someone else (reassigned, or another account's login) is not that person. With
 * no id recorded, the normalised emails are compared.
 */
export function isSamePerson(actor: Party, recorded: Party): boolean {
  if (recorded.id !== undefined) return actor.id !== undefined && actor.id === recorded.id;
  return actor.email === recorded.email;
}

/**
 * Whether `actor` may be the person recorded, for refusals (self-approval): same id, or same address. Refusing
 * on either errs on the safe side.
 */
export function mayBeSamePerson(actor: Party, recorded: Party): boolean {
  return actor.email === recorded.email || (actor.id !== undefined && actor.id === recorded.id);
}

/** The directory's view of a normalised email: the person's id when the directory knows them and has ids. */
export async function resolveParty(directory: Pick<Directory, 'findPerson'>, email: string): Promise<Party> {
  const person = await directory.findPerson(email);
  return person?.id ? { email, id: person.id } : { email };
}

/** The requester of a request, with the id recorded when it was made. */
export function requesterOf(request: Pick<AccessRequest, 'requester' | 'personIds'>): Party {
  const id = request.personIds?.requester;
  return id ? { email: request.requester, id } : { email: request.requester };
}

/** Whoever ran the request tool (the requester, or someone on their behalf), with the recorded id. */
export function requestedByOf(request: Pick<AccessRequest, 'requestedBy' | 'personIds'>): Party {
  const id = request.personIds?.requestedBy;
  return id ? { email: request.requestedBy, id } : { email: request.requestedBy };
}

/** Whether `actor` is the requester or whoever asked on their behalf. */
export function isOwner(actor: Party, request: Pick<AccessRequest, 'requester' | 'requestedBy' | 'personIds'>): boolean {
  return isSamePerson(actor, requesterOf(request)) || isSamePerson(actor, requestedByOf(request));
}
