/**
 * Which email belongs to which GitHub account. GitHub hides most members' emails, so the directory knows an
 * email only from the organisation's SAML identities (where it has SSO) or from a mapping file the
 * organisation keeps. An account with neither is reported, never guessed from a public profile or a login;
 * an email two accounts claim is refused for both.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import type { SamlIdentityRecord } from './github-api.js';
import { asciiLower } from '../../core/identity.js';

/** One account → email link and where it came from. */
export interface EmailLink {
  email: string;
  id?: number;
  login?: string;
  source: 'mapping file' | 'SAML identity';
}

/** The links, serialisable so the directory can cache them. */
export interface EmailIndex {
  links: EmailLink[];
  /** Emails claimed by more than one account: matched to nobody. */
  ambiguous: string[];
}

const EMAIL = /^[^\s@<>"'`]+@[^\s@<>"'`]+\.[^\s@<>"'`]+$/;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/**
 * Reads the mapping: a file (a list, or a `people:` list, of `{email, login?, id?}`, JSON or YAML), or the
 * list itself as the bundle carries it inline in the config.
 */
export async function readEmailMapping(source: string | readonly unknown[]): Promise<EmailLink[]> {
  if (typeof source !== 'string') return parseEmailMapping(source, 'directory.email_mapping');
  const path = source;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`Cannot read the GitHub email mapping file ${path} (directory.email_mapping): check the path, relative to the config file.`);
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(path) ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} (directory.email_mapping) is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(err as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { people?: unknown } | null)?.people;
  if (!Array.isArray(list)) throw new ConfigError(`${path} (directory.email_mapping) must be a list of {email, login, id} entries (or have one under "people").`);
  return parseEmailMapping(list, `${path} (directory.email_mapping)`);
}

/** Checks each entry of the mapping; `origin` names where it came from in errors. */
function parseEmailMapping(list: readonly unknown[], origin: string): EmailLink[] {
  const seen = new Set<string>();
  return list.map((raw, index) => {
    const entry = (raw ?? {}) as { email?: unknown; login?: unknown; id?: unknown };
    const where = `${origin}, entry ${index + 1}`;
    const email = typeof entry.email === 'string' ? asciiLower(entry.email.trim()) : '';
    if (!EMAIL.test(email)) throw new ConfigError(`${where}: email must be an email address.`);
    if (seen.has(email)) throw new ConfigError(`${where}: ${email} is listed twice; each email belongs to one GitHub account.`);
    seen.add(email);
    const login = typeof entry.login === 'string' ? entry.login.trim() : undefined;
    if (login !== undefined && !LOGIN.test(login)) throw new ConfigError(`${where}: login "${login.slice(0, 40)}" is not a GitHub login.`);
    const id = entry.id;
    if (id !== undefined && !(typeof id === 'number' && Number.isInteger(id) && id > 0)) throw new ConfigError(`${where}: id must be the account's numeric GitHub id.`);
    if (login === undefined && id === undefined) throw new ConfigError(`${where}: give the account's login or (better, it never changes) its numeric id.`);
    return { email, ...(id !== undefined ? { id: id as number } : {}), ...(login ? { login } : {}), source: 'mapping file' as const };
  });
}

/** Joins the mapping file and the SAML identities; the mapping file wins for an account both name. */
export function buildEmailIndex(mapping: EmailLink[], saml: SamlIdentityRecord[]): EmailIndex {
  const links: EmailLink[] = [...mapping];
  const covered = (s: SamlIdentityRecord) => mapping.some((m) => m.id === s.id || (m.id === undefined && m.login?.toLowerCase() === s.login.toLowerCase()));
  for (const s of saml) {
    if (!covered(s)) links.push({ email: asciiLower(s.email.trim()), id: s.id, login: s.login, source: 'SAML identity' });
  }
  const owners = new Map<string, Set<string>>();
  for (const link of links) {
    const account = link.id !== undefined ? `id:${link.id}` : `login:${link.login!.toLowerCase()}`;
    owners.set(link.email, (owners.get(link.email) ?? new Set()).add(account));
  }
  const ambiguous = [...owners].filter(([, accounts]) => accounts.size > 1).map(([email]) => email);
  return { links, ambiguous };
}

/** The link for an account, by id first (stable) and then by login. */
export function linkForAccount(index: EmailIndex, account: { id: number; login: string }): EmailLink | undefined {
  return index.links.find((l) => l.id === account.id) ?? index.links.find((l) => l.id === undefined && l.login?.toLowerCase() === account.login.toLowerCase());
}
