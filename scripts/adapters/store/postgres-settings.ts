/**
 * Connection settings for the PostgreSQL store, from the config's `store` section and the secret
 * `JIT_DATABASE_URL`. The URL is parsed here, once, so that no error message ever repeats it: errors name the
 * setting and show only `host:port/database`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../../core/errors.js';

/** How the store reaches the server over TLS (libpq's `sslmode` names; `prefer` and `allow` are refused). */
export type TlsMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** The config file's `store` section. */
export interface StoreSection {
  type: 'sqlite' | 'postgres';
  pool_size?: number;
  connect_timeout?: string;
  tls?: { mode?: TlsMode; ca_file?: string };
}

/** Everything the store needs to connect, resolved. */
export interface PostgresSettings {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** `false` for plain TCP, else Node's TLS options. */
  ssl: false | ConnectionOptions;
  tlsMode: TlsMode;
  poolSize: number;
  connectTimeoutMs: number;
  /** `host:port/database`: what errors and logs may show. */
  location: string;
  /** Where the connection string came from (`JIT_DATABASE_URL`, `--to`), for errors to name. */
  source: string;
}

/** The variable that holds the connection string (a secret: it carries the password). */
export const DATABASE_URL_ENV = 'JIT_DATABASE_URL';

const TLS_MODES: readonly TlsMode[] = ['disable', 'require', 'verify-ca', 'verify-full'];
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/**
 * Resolves the settings from a connection string (`postgres://USER:PASSWORD@HOST:PORT/DATABASE`, the value of
 * `JIT_DATABASE_URL` unless given) and the config's section. `configDir` resolves a relative `ca_file`.
 */
export function postgresSettings(url: string | undefined, section: Partial<StoreSection> = {}, configDir = process.cwd(), source = DATABASE_URL_ENV): PostgresSettings {
  if (!url?.trim()) {
    throw new ConfigError(`store.type is postgres, but ${source} is not set. Set it (a secret) to postgres://USER:PASSWORD@HOST:5432/DATABASE.`, { setting: source });
  }
  const parsed = parseUrl(url.trim(), source);
  const mode = section.tls?.mode ?? urlTlsMode(parsed.params.get('sslmode'), source) ?? (LOOPBACK.test(parsed.host) || parsed.host.startsWith('/') ? 'disable' : 'verify-full');
  if (!TLS_MODES.includes(mode)) throw new ConfigError(`store.tls.mode must be one of ${TLS_MODES.join(', ')}.`);
  return {
    ...parsed.connection,
    ssl: sslOptions(mode, section.tls?.ca_file, configDir),
    tlsMode: mode,
    poolSize: section.pool_size ?? 5,
    connectTimeoutMs: timeoutMs(section.connect_timeout),
    location: `${parsed.host}:${parsed.connection.port}/${parsed.connection.database}`,
    source,
  };
}

function parseUrl(text: string, source: string) {
  const shape = `${source} must be a PostgreSQL connection string: postgres://USER:PASSWORD@HOST:5432/DATABASE`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${shape} (it does not parse as a URL).`, { setting: source });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new ConfigError(`${shape} (it does not start with postgres://).`, { setting: source });
  const decode = (value: string, what: string) => {
    try {
      return decodeURIComponent(value);
    } catch {
      throw new ConfigError(`${shape} (its ${what} is not valid percent-encoding).`, { setting: source });
    }
  };
  // A Unix socket folder comes as ?host=/run/postgresql, as libpq accepts it.
  const host = url.searchParams.get('host') ?? decode(url.hostname, 'host').replace(/^\[|\]$/g, '');
  const database = decode(url.pathname.replace(/^\//, ''), 'database name');
  const user = decode(url.username, 'user name');
  if (!host) throw new ConfigError(`${shape} (it names no host).`, { setting: source });
  if (!database) throw new ConfigError(`${shape} (it names no database after the host).`, { setting: source });
  if (!user) throw new ConfigError(`${shape} (it names no user).`, { setting: source });
  const port = url.port ? Number(url.port) : 5432;
  const password = url.password ? decode(url.password, 'password') : undefined;
  return { host, params: url.searchParams, connection: { host, port, user, database, ...(password !== undefined ? { password } : {}) } };
}

function urlTlsMode(value: string | null, source: string): TlsMode | undefined {
  if (value === null) return undefined;
  if ((TLS_MODES as readonly string[]).includes(value)) return value as TlsMode;
  throw new ConfigError(`sslmode=${value.slice(0, 20)} in ${source} is not supported: use ${TLS_MODES.join(', ')}, or set store.tls.mode.`, { setting: source });
}

function sslOptions(mode: TlsMode, caFile: string | undefined, configDir: string): false | ConnectionOptions {
  if (mode === 'disable') return false;
  let ca: string | undefined;
  if (caFile) {
    const path = resolve(configDir, caFile);
    try {
      ca = readFileSync(path, 'utf8');
    } catch {
      throw new ConfigError(`store.tls.ca_file: cannot read ${path}. Point it at the PEM file of the CA that signed the database server's certificate.`, { path });
    }
  }
  if (mode === 'require') return { rejectUnauthorized: false };
  // verify-ca checks the chain but not the name; verify-full checks both (Node's identity check against the
  // host, which pg passes to the TLS socket).
  if (mode === 'verify-ca') return { rejectUnauthorized: true, ...(ca ? { ca } : {}), checkServerIdentity: () => undefined };
  return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
}

function timeoutMs(text: string | undefined): number {
  if (!text) return 10_000;
  const match = /^\s*(\d+)\s*(ms|s|m)?\s*$/.exec(text);
  if (!match) throw new ConfigError(`store.connect_timeout "${text.slice(0, 20)}" must be a duration such as 10s or 500ms.`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm'];
}
