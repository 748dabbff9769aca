/**
 * What the GitHub stand-in knows: accounts, one organisation's members, its teams (with parent teams) and
 * their memberships, and SAML identities. Kept apart from the HTTP layer so tests can shape it directly.
 * A stand-in for tests and the bench, written from GitHub's REST and GraphQL references.
 */

/** A GitHub account. */
export interface GitHubAccount {
  id: number;
  login: string;
  name: string | null;
  /** GitHub Enterprise Server (and managed users) can suspend an account. */
  suspendedAt: string | null;
}

/** A team of the organisation. */
export interface GitHubTeam {
  id: number;
  slug: string;
  name: string;
  parent: string | null;
  /** Member logins (lower case) and their membership state. */
  members: Map<string, 'active' | 'pending'>;
}

/** The organisation and everything in it. */
export class GitHubState {
  readonly accounts = new Map<string, GitHubAccount>();
  /** Organisation membership by login (lower case). */
  readonly orgMembers = new Map<string, 'active' | 'pending'>();
  readonly teams = new Map<string, GitHubTeam>();
  /** SAML identities by login (lower case): NameID and emails. */
  readonly saml = new Map<string, { nameId: string; emails: { value: string; primary: boolean }[] }>();
  /** Whether the organisation has SAML SSO at all. */
  samlEnabled = true;
  private nextId = 583_231;

  constructor(readonly org: string) {}

  /** Creates an account and makes it an (active) organisation member; returns its numeric id. */
  addUser(login: string, options: { name?: string; email?: string; saml?: boolean; suspended?: boolean; orgState?: 'active' | 'pending' | 'none' } = {}): number {
    const key = login.toLowerCase();
    if (this.accounts.has(key)) throw new Error(`stand-in: GitHub account ${login} exists`);
    const id = (this.nextId += 7);
    this.accounts.set(key, { id, login, name: options.name ?? null, suspendedAt: options.suspended ? new Date().toISOString() : null });
    const orgState = options.orgState ?? 'active';
    if (orgState !== 'none') this.orgMembers.set(key, orgState);
    if (options.email && options.saml !== false) this.saml.set(key, { nameId: options.email, emails: [{ value: options.email, primary: true }] });
    return id;
  }

  /** Creates a team (child of `parent` when given). */
  addTeam(slug: string, parent?: string): number {
    const id = (this.nextId += 3);
    this.teams.set(slug, { id, slug, name: slug, parent: parent ?? null, members: new Map() });
    return id;
  }

  addMember(slug: string, login: string, state: 'active' | 'pending' = 'active'): void {
    this.team(slug).members.set(login.toLowerCase(), state);
  }

  removeMember(slug: string, login: string): void {
    this.team(slug).members.delete(login.toLowerCase());
  }

  /** Removes the person from the organisation, and so (as GitHub does) from every team. */
  removeFromOrg(login: string): void {
    const key = login.toLowerCase();
    this.orgMembers.delete(key);
    for (const team of this.teams.values()) team.members.delete(key);
  }

  setSuspended(login: string, suspended: boolean): void {
    this.account(login).suspendedAt = suspended ? new Date().toISOString() : null;
  }

  account(login: string): GitHubAccount {
    const account = this.accounts.get(login.toLowerCase());
    if (!account) throw new Error(`stand-in: no GitHub account ${login}`);
    return account;
  }

  team(slug: string): GitHubTeam {
    const team = this.teams.get(slug);
    if (!team) throw new Error(`stand-in: no team ${slug}`);
    return team;
  }

  /** The team's active members with its child teams' (recursively), as GitHub lists them, in id order. */
  teamMembers(slug: string): GitHubAccount[] {
    const logins = new Set<string>();
    const visit = (team: GitHubTeam, seen: Set<string>) => {
      if (seen.has(team.slug)) return;
      seen.add(team.slug);
      for (const [login, state] of team.members) if (state === 'active') logins.add(login);
      for (const child of this.teams.values()) if (child.parent === team.slug) visit(child, seen);
    };
    visit(this.team(slug), new Set());
    return [...logins].map((l) => this.accounts.get(l)!).sort((a, b) => a.id - b.id);
  }

  /** The user's membership state of the team, child teams included; undefined when none. */
  teamMembership(slug: string, login: string): 'active' | 'pending' | undefined {
    const key = login.toLowerCase();
    const direct = this.team(slug).members.get(key);
    if (direct === 'active') return 'active';
    if (this.teamMembers(slug).some((a) => a.login.toLowerCase() === key)) return 'active';
    return direct;
  }
}
