/**
 * One organisation, set up the same way in every directory the package supports, so one contract suite
 * can run over all of them: who is in which group, who is suspended, which group is nested in which, and a
 * group big enough to need three pages. Each world seeds its provider's stand-in (or the config lists) with
 * it and opens the real adapter against it.
 */
import { createServer } from 'node:net';
import type { ManualClock } from '../../scripts/core/clock.js';
import type { Directory } from '../../scripts/core/ports.js';

/** The people, by role in the fixture. */
export const WHO = {
  ana: 'ana@example.com',
  bo: 'bo@example.com',
  /** In the child group only: a member of `approvers` through nesting. */
  cy: 'cy@example.com',
  /** In `approvers`, suspended / disabled. */
  sus: 'sus@example.com',
  /** Only in `other`. */
  out: 'out@example.com',
  /** In `approvers`, with a second identifier (login, alias, UPN) that is not their primary email. */
  kim: 'kim@example.com',
  /** Nowhere. */
  nobody: 'nobody@example.com',
} as const;

/** The members of the big group: 12, at 5 a page, so three pages. */
export const BIG = Array.from({ length: 12 }, (_, i) => `big${String(i).padStart(2, '0')}@example.com`);
/** The page size every stand-in is started with in the contract. */
export const CONTRACT_PAGE = 5;

/** The groups, by their role in the fixture. */
export type LogicalGroup = 'approvers' | 'child' | 'other' | 'big';

/** What a directory can do; a rule is checked only where the directory has the capability. */
export interface WorldCapabilities {
  /** Groups in groups (the config lists and Okta have none). */
  nesting: boolean;
  /** People carry the directory's own stable id. */
  stableIds: boolean;
  /** The membership and member-list caches of the store. */
  caches: boolean;
  /** A provider that can refuse a credential or be down. */
  faults: boolean;
}

/** How a contract test opens the directory. */
export interface OpenOptions {
  clock?: ManualClock;
  membershipCacheSeconds?: number;
  memberListCacheSeconds?: number;
  /** `credential`: a wrong secret; `down`: nothing listens where the provider should be. */
  broken?: 'credential' | 'down';
}

/** One directory with the fixture in it. */
export interface DirectoryWorld {
  readonly name: string;
  readonly caps: WorldCapabilities;
  /** The error code prefix of this directory's provider (`github`, `okta`, …). */
  readonly codePrefix: string;
  /** What a refusal of the credential must name, and the secret it must never contain. */
  readonly credential: { setting: RegExp; secret: string };
  /** Another identifier of {@link WHO.kim} that must not find them (a login, alias or UPN), if the directory has one. */
  readonly secondIdentifier?: string;
  /** An email that is another account's login or UPN, and the id of the person whose primary email it is. */
  readonly collision?: { email: string; ownerId: () => string };
  /** Rules this directory does not meet yet, each with why (run as expected failures). */
  readonly pending?: Record<string, string>;
  /** The group's name as the config would write it. */
  group(logical: LogicalGroup): string;
  open(options?: OpenOptions): Promise<Directory>;
  removeMember(logical: LogicalGroup, email: string): void;
  addMember(logical: LogicalGroup, email: string): void;
  suspend(email: string): void;
  /** How many requests the provider has seen (0 for the config lists). */
  requestCount(): number;
  close(): Promise<void>;
}

/** A URL on 127.0.0.1 where nothing listens (a port that was free a moment ago). */
export async function deadUrl(protocol: 'http' | 'https' = 'http'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `${protocol}://127.0.0.1:${port}`;
}
