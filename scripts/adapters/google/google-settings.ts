/**
 * Reads the Google Workspace directory's settings: the service account's key (a secret, from the
 * environment), the admin it acts as through domain-wide delegation (config), and optional endpoint
 * overrides. Errors name the key or variable and never repeat the key's contents.
 */
import { createPrivateKey } from 'node:crypto';
import { ConfigError } from '../../core/errors.js';
import { normalisePem, readEndpointUrl } from '../directory/endpoint-url.js';

/** The read-only scopes domain-wide delegation must grant the service account: groups (with members) and users. */
export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.group.readonly',
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
] as const;

/** Google's OAuth 2.0 token endpoint: the JWT's audience, and where it is exchanged unless overridden. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** Where the Directory API is and how to authenticate. */
export interface GoogleSettings {
  clientEmail: string;
  privateKey: string;
  /** The Workspace admin the service account impersonates. */
  subject: string;
  /** The API's root URL (`https://admin.googleapis.com/`). */
  rootUrl: string;
  /** Where token requests are sent, when not Google's own endpoint (a private endpoint, a stand-in). */
  tokenUrl?: string;
}

/** The config keys the Google directory reads. */
export interface GoogleConfig {
  admin_email?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Reads and checks the settings; `config` is the `directory` section. */
export function readGoogleSettings(env: Record<string, string | undefined>, config: GoogleConfig): GoogleSettings {
  const subject = config.admin_email?.trim();
  if (!subject) throw new ConfigError('directory.admin_email is not set: name the Workspace admin the service account acts as (domain-wide delegation), e.g. admin_email: jit-reader@example.com.');
  if (!EMAIL.test(subject)) throw new ConfigError('directory.admin_email must be an email address.');
  const raw = env.GOOGLE_SERVICE_ACCOUNT_KEY?.trim();
  if (!raw) throw new ConfigError('GOOGLE_SERVICE_ACCOUNT_KEY is not set: set it to the service account\'s JSON key (the whole file\'s contents).');
  let key: { type?: unknown; client_email?: unknown; private_key?: unknown };
  try {
    key = JSON.parse(raw) as typeof key;
  } catch {
    throw new ConfigError('GOOGLE_SERVICE_ACCOUNT_KEY is not JSON: paste the service account key file\'s contents as they are.');
  }
  if (key.type !== 'service_account' || typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new ConfigError('GOOGLE_SERVICE_ACCOUNT_KEY is not a service account key: it needs "type": "service_account", "client_email" and "private_key".');
  }
  const privateKey = normalisePem(key.private_key);
  try {
    createPrivateKey(privateKey);
  } catch {
    throw new ConfigError('GOOGLE_SERVICE_ACCOUNT_KEY has a private_key that is not a PEM private key: download a new key for the service account.');
  }
  const rootUrl = readEndpointUrl('GOOGLE_API_URL', env.GOOGLE_API_URL, 'https://admin.googleapis.com') ?? 'https://admin.googleapis.com';
  const tokenUrl = readEndpointUrl('GOOGLE_TOKEN_URL', env.GOOGLE_TOKEN_URL, GOOGLE_TOKEN_URL);
  return { clientEmail: key.client_email, privateKey, subject, rootUrl: `${rootUrl}/`, ...(tokenUrl && tokenUrl !== GOOGLE_TOKEN_URL ? { tokenUrl } : {}) };
}
