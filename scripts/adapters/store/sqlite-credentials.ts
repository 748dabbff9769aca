import type Database from 'better-sqlite3';
import type { CredentialStore, StoredCredential } from '../../core/ports.js';

type CredentialRow = {
  id: string;
  kind: string;
  owner: string;
  label: string;
  secret_hash: string;
  created_at: number;
  expires_at: number;
  last_used_at: number;
  revoked_at: number | null;
};

/** The {@link CredentialStore} half of the SQLite store (the `credentials` table of migration 5). */
export class SqliteCredentials implements CredentialStore {
  constructor(private readonly db: Database.Database) {}

  async saveCredential(c: StoredCredential): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO credentials (id, kind, owner, label, secret_hash, created_at, expires_at, last_used_at, revoked_at)
         VALUES (@id, @kind, @owner, @label, @secretHash, @createdAt, @expiresAt, @lastUsedAt, @revokedAt)`,
      )
      .run({ ...c, revokedAt: c.revokedAt ?? null });
  }

  async findCredential(secretHash: string): Promise<StoredCredential | undefined> {
    const row = this.db.prepare('SELECT * FROM credentials WHERE secret_hash = ?').get(secretHash) as CredentialRow | undefined;
    return row ? toCredential(row) : undefined;
  }

  async listCredentials(owner: string, kind: StoredCredential['kind']): Promise<StoredCredential[]> {
    const rows = this.db.prepare('SELECT * FROM credentials WHERE owner = ? AND kind = ? ORDER BY created_at DESC, id').all(owner, kind) as CredentialRow[];
    return rows.map(toCredential);
  }

  async touchCredential(id: string, at: number): Promise<void> {
    this.db.prepare('UPDATE credentials SET last_used_at = MAX(last_used_at, ?) WHERE id = ?').run(at, id);
  }

  async revokeCredential(id: string, owner: string, at: number): Promise<boolean> {
    const result = this.db.prepare('UPDATE credentials SET revoked_at = ? WHERE id = ? AND owner = ? AND revoked_at IS NULL').run(at, id, owner);
    return result.changes === 1;
  }
}

function toCredential(row: CredentialRow): StoredCredential {
  return {
    id: row.id,
    kind: row.kind === 'token' ? 'token' : 'session',
    owner: row.owner,
    label: row.label,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}
