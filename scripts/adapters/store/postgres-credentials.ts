import type { CredentialStore, StoredCredential } from '../../core/ports.js';
import type { PostgresQuery } from './postgres-target-ledger.js';

type CredentialRow = {
  id: string;
  kind: string;
  owner: string;
  label: string;
  secret_hash: string;
  created_at: string;
  expires_at: string;
  last_used_at: string;
  revoked_at: string | null;
};

/**
 * The {@link CredentialStore} half of the PostgreSQL store (the `credentials` table of its migration 5), the
 * same behaviour as SQLite's: only each secret's hash is kept, and every method is one statement, so a
 * revocation is seen at once by every console replica sharing the database.
 */
export class PostgresCredentials implements CredentialStore {
  constructor(private readonly query: PostgresQuery) {}

  async saveCredential(c: StoredCredential): Promise<void> {
    await this.query(
      `INSERT INTO credentials (id, kind, owner, label, secret_hash, created_at, expires_at, last_used_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [c.id, c.kind, c.owner, c.label, c.secretHash, c.createdAt, c.expiresAt, c.lastUsedAt, c.revokedAt ?? null],
    );
  }

  async findCredential(secretHash: string): Promise<StoredCredential | undefined> {
    const { rows } = await this.query<CredentialRow>('SELECT * FROM credentials WHERE secret_hash = $1', [secretHash]);
    return rows[0] ? toCredential(rows[0]) : undefined;
  }

  async listCredentials(owner: string, kind: StoredCredential['kind']): Promise<StoredCredential[]> {
    const { rows } = await this.query<CredentialRow>('SELECT * FROM credentials WHERE owner = $1 AND kind = $2 ORDER BY created_at DESC, id', [owner, kind]);
    return rows.map(toCredential);
  }

  async touchCredential(id: string, at: number): Promise<void> {
    // GREATEST: two replicas touching at once never move the last use backwards.
    await this.query('UPDATE credentials SET last_used_at = GREATEST(last_used_at, $1) WHERE id = $2', [at, id]);
  }

  async revokeCredential(id: string, owner: string, at: number): Promise<boolean> {
    const result = await this.query('UPDATE credentials SET revoked_at = $1 WHERE id = $2 AND owner = $3 AND revoked_at IS NULL', [at, id, owner]);
    return result.rowCount === 1;
  }
}

function toCredential(row: CredentialRow): StoredCredential {
  return {
    id: row.id,
    kind: row.kind === 'token' ? 'token' : 'session',
    owner: row.owner,
    label: row.label,
    secretHash: row.secret_hash,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    lastUsedAt: Number(row.last_used_at),
    ...(row.revoked_at === null ? {} : { revokedAt: Number(row.revoked_at) }),
  };
}
