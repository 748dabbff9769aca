/**
 * What the Okta stand-in knows: users, groups and memberships, rendered as Okta's Management API renders
 * them (the User and Group objects with `_links`). Kept apart from the HTTP layer so tests and the demo can
 * set the directory up directly.
 */
import { randomBytes } from 'node:crypto';

/** Every user status Okta's lifecycle has. */
export const OKTA_USER_STATUSES = [
  'STAGED',
  'PROVISIONED',
  'ACTIVE',
  'RECOVERY',
  'PASSWORD_EXPIRED',
  'LOCKED_OUT',
  'SUSPENDED',
  'DEPROVISIONED',
] as const;

/** An Okta user status. */
export type OktaUserStatus = (typeof OKTA_USER_STATUSES)[number];

/** A user as the stand-in stores it. */
export interface StoredUser {
  id: string;
  status: OktaUserStatus;
  created: string;
  lastUpdated: string;
  profile: { login: string; email: string; firstName: string | null; lastName: string | null };
}

/** A group as the stand-in stores it. */
export interface StoredGroup {
  id: string;
  type: 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  profile: { name: string; description: string | null };
  /** Member user ids. */
  members: Set<string>;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Okta-shaped ids (`00u…`, `00g…`, 20 characters) that sort in creation order, so they work as cursors. */
function makeId(prefix: string, counter: number): string {
  const tail = Array.from(randomBytes(9), (b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${prefix}${counter.toString(36).padStart(8, '0')}${tail}`;
}

/** The directory behind the stand-in. */
export class OktaState {
  readonly users = new Map<string, StoredUser>();
  readonly groups = new Map<string, StoredGroup>();
  private counter = 0;

  constructor(private readonly now: () => number = Date.now) {}

  private stamp(): string {
    return new Date(this.now()).toISOString();
  }

  /** Creates a user; returns its id. */
  addUser(input: { email: string; login?: string; status: OktaUserStatus; firstName?: string; lastName?: string }): string {
    const login = input.login ?? input.email;
    if (this.userByLogin(login)) throw new Error(`stand-in: a user with login ${login} already exists`);
    const id = makeId('00u', ++this.counter);
    const at = this.stamp();
    this.users.set(id, {
      id,
      status: input.status,
      created: at,
      lastUpdated: at,
      profile: { login, email: input.email, firstName: input.firstName ?? null, lastName: input.lastName ?? null },
    });
    return id;
  }

  /** Creates a group; returns its id. */
  addGroup(name: string, options: { type?: StoredGroup['type']; description?: string } = {}): string {
    const id = makeId('00g', ++this.counter);
    const at = this.stamp();
    this.groups.set(id, {
      id,
      type: options.type ?? 'OKTA_GROUP',
      created: at,
      lastUpdated: at,
      lastMembershipUpdated: at,
      profile: { name, description: options.description ?? null },
      members: new Set(),
    });
    return id;
  }

  /** Adds the user with this email (or login) to the group with this id or exact name (the first, if several). */
  addMember(groupName: string, email: string): void {
    const group = this.groupByName(groupName);
    group.members.add(this.userByEmail(email).id);
    group.lastMembershipUpdated = this.stamp();
  }

  /** Removes the user from the group; a no-op when they are not in it. */
  removeMember(groupName: string, email: string): void {
    const group = this.groupByName(groupName);
    group.members.delete(this.userByEmail(email).id);
    group.lastMembershipUpdated = this.stamp();
  }

  /** Moves a user to another lifecycle status. */
  setStatus(email: string, status: OktaUserStatus): void {
    const user = this.userByEmail(email);
    user.status = status;
    user.lastUpdated = this.stamp();
  }

  /** Changes a user's primary email (their login and id stay), as an Okta admin editing the profile would. */
  setEmail(email: string, newEmail: string): void {
    const user = this.userByEmail(email);
    user.profile.email = newEmail;
    user.lastUpdated = this.stamp();
  }

  /** The user whose id, or (ignoring case) login, is `key`. */
  userByIdOrLogin(key: string): StoredUser | undefined {
    return this.users.get(key) ?? this.userByLogin(key);
  }

  /** The groups a user is in, in id order. */
  groupsOfUser(userId: string): StoredGroup[] {
    return [...this.groups.values()].filter((g) => g.members.has(userId));
  }

  private userByLogin(login: string): StoredUser | undefined {
    const wanted = login.toLowerCase();
    return [...this.users.values()].find((u) => u.profile.login.toLowerCase() === wanted);
  }

  private userByEmail(email: string): StoredUser {
    const wanted = email.toLowerCase();
    const user =
      this.userByLogin(email) ?? [...this.users.values()].find((u) => u.profile.email.toLowerCase() === wanted);
    if (!user) throw new Error(`stand-in: no user with email or login ${email}`);
    return user;
  }

  private groupByName(name: string): StoredGroup {
    const group = this.groups.get(name) ?? [...this.groups.values()].find((g) => g.profile.name === name);
    if (!group) throw new Error(`stand-in: no group named ${name}`);
    return group;
  }
}

/** Renders a stored user as Okta's User object. */
export function renderUser(user: StoredUser, orgUrl: string): Record<string, unknown> {
  const active = user.status === 'ACTIVE';
  return {
    id: user.id,
    status: user.status,
    created: user.created,
    activated: active ? user.created : null,
    statusChanged: user.lastUpdated,
    lastLogin: null,
    lastUpdated: user.lastUpdated,
    passwordChanged: null,
    type: { id: 'oty00000000000000000' },
    profile: { ...user.profile, mobilePhone: null, secondEmail: null },
    credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `${orgUrl}/api/v1/users/${user.id}` } },
  };
}

/** Renders a stored group as Okta's Group object. */
export function renderGroup(group: StoredGroup, orgUrl: string): Record<string, unknown> {
  return {
    id: group.id,
    created: group.created,
    lastUpdated: group.lastUpdated,
    lastMembershipUpdated: group.lastMembershipUpdated,
    objectClass: ['okta:user_group'],
    type: group.type,
    profile: group.profile,
    _links: {
      logo: [],
      users: { href: `${orgUrl}/api/v1/groups/${group.id}/users` },
      apps: { href: `${orgUrl}/api/v1/groups/${group.id}/apps` },
    },
  };
}
