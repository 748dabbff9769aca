/**
 * Turns what node-postgres and the server report into one clear error that names the setting to fix. The
 * message shows `host:port/database` and the user at most: never the password or the connection string.
 */
import { isJitError, UpstreamError } from '../../core/errors.js';
import type { PostgresSettings } from './postgres-settings.js';

type PgLikeError = Error & { code?: string; errors?: unknown[] };

const CERT_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The error to raise for a failure to connect or to talk to the server; errors the package raised itself, and
 * SQL errors it does not recognise, are returned as they are (the latter reach the operator log only).
 */
export function translatePgError(err: unknown, settings: Pick<PostgresSettings, 'location' | 'user' | 'tlsMode' | 'source'>): unknown {
  if (isJitError(err) || !(err instanceof Error)) return err;
  const e = err as PgLikeError;
  const code = e.code ?? (e.errors?.[0] as PgLikeError | undefined)?.code;
  const where = `the PostgreSQL server at ${settings.location} (${settings.source})`;
  const url = settings.source;
  const upstream = (c: string, message: string) => new UpstreamError(c, message, { detail: { location: settings.location, code } });
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case '57P01': // admin_shutdown
    case '57P03': // cannot_connect_now: starting up or shutting down
      return upstream('store.unreachable', `Cannot reach ${where}: ${reachReason(code)}. Check the host and port in ${url}, and that the server runs and accepts connections from here.`);
    case '28P01':
      return upstream('store.auth_failed', `${capital(where)} refused the password of user "${settings.user}". Check the user and password in ${url}.`);
    case '28000':
      if (/no encryption|SSL off/i.test(e.message)) {
        return upstream('store.tls_required', `${capital(where)} accepts only TLS connections, and store.tls.mode is ${settings.tlsMode}. Set store.tls.mode to verify-full (with store.tls.ca_file) or require.`);
      }
      return upstream('store.auth_failed', `${capital(where)} refused user "${settings.user}" (${pgReason(e.message)}). Check the user in ${url} and the server's pg_hba.conf.`);
    case '3D000':
      return upstream('store.database_missing', `The database named in ${url} does not exist on the server (${settings.location}). Create it (CREATE DATABASE), or fix the name, then run kubiya-jit migrate.`);
    case '53300':
      return upstream('store.too_many_connections', `${capital(where)} has no free connections. Lower store.pool_size, or raise the server's max_connections.`);
  }
  if (code && CERT_CODES.has(code)) {
    return upstream('store.tls_untrusted', `${capital(where)} presented a TLS certificate that store.tls.mode ${settings.tlsMode} does not trust (${code}). Set store.tls.ca_file to the CA that signed it, or fix the host name in ${url}.`);
  }
  if (/does not support SSL/i.test(e.message)) {
    return upstream('store.tls_refused', `${capital(where)} does not accept TLS, and store.tls.mode is ${settings.tlsMode}. Enable TLS on the server, or (on a trusted network only) set store.tls.mode to disable.`);
  }
  if (/SASL|client password must be a string/i.test(e.message)) {
    return upstream('store.auth_failed', `${capital(where)} asks user "${settings.user}" for a password and ${url} gives none. Add the password to ${url} (or set PGPASSWORD).`);
  }
  if (/timeout|terminated unexpectedly|Connection terminated/i.test(e.message)) {
    return upstream('store.unreachable', `Cannot reach ${where}: the connection timed out or was closed. Check the host and port in ${url}, store.connect_timeout, and the network between here and the server.`);
  }
  return err;
}

function reachReason(code: string): string {
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === '57P01' || code === '57P03') return 'the server is shutting down or starting up';
  return 'no route or no answer';
}

/** The first line of a server message, without anything that looks like a connection string. */
function pgReason(message: string): string {
  return message.split('\n')[0]!.replace(/postgres(ql)?:\/\/\S+/gi, '<url>').slice(0, 160);
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
