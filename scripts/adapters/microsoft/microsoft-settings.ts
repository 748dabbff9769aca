/**
 * Reads the Microsoft Entra directory's settings from the environment: the tenant, an app registration's
 * client id and secret (client credentials), and optional endpoint overrides (national clouds, a local
 * stand-in). Errors name the variable and never repeat the secret.
 */
import { ConfigError } from '../../core/errors.js';
import { readEndpointUrl } from '../directory/endpoint-url.js';

/** The Graph application permissions the app registration needs (admin-consented), and nothing more. */
export const GRAPH_PERMISSIONS = ['User.Read.All', 'GroupMember.Read.All'] as const;

/** Where Entra and Graph are, and the app's credential. */
export interface MicrosoftSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** `https://login.microsoftonline.com`, or a national cloud's. */
  authorityHost: string;
  /** `https://graph.microsoft.com`, or a national cloud's. */
  graphUrl: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(?:\.[a-z0-9-]+)+)$/i;

/** Reads and checks AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and the endpoint overrides. */
export function readMicrosoftSettings(env: Record<string, string | undefined>): MicrosoftSettings {
  const tenantId = env.AZURE_TENANT_ID?.trim();
  const clientId = env.AZURE_CLIENT_ID?.trim();
  const clientSecret = env.AZURE_CLIENT_SECRET?.trim();
  if (!tenantId) throw new ConfigError('AZURE_TENANT_ID is not set: set it to your Entra tenant id (a GUID) or primary domain.');
  if (!TENANT.test(tenantId) || ['common', 'organizations', 'consumers'].includes(tenantId.toLowerCase())) {
    throw new ConfigError('AZURE_TENANT_ID must be your tenant\'s id (a GUID) or primary domain, not common / organizations.');
  }
  if (!clientId) throw new ConfigError('AZURE_CLIENT_ID is not set: set it to the app registration\'s Application (client) ID.');
  if (!GUID.test(clientId)) throw new ConfigError('AZURE_CLIENT_ID must be the app registration\'s Application (client) ID, a GUID.');
  if (!clientSecret) throw new ConfigError('AZURE_CLIENT_SECRET is not set: create a client secret for the app registration and set its value.');
  const authorityHost = readEndpointUrl('AZURE_AUTHORITY_HOST', env.AZURE_AUTHORITY_HOST, 'https://login.microsoftonline.us') ?? 'https://login.microsoftonline.com';
  // MSAL refuses an authority that is not https, whatever the host.
  if (!authorityHost.startsWith('https://')) throw new ConfigError(`AZURE_AUTHORITY_HOST must use https (${authorityHost}).`);
  const graphUrl = readEndpointUrl('MICROSOFT_GRAPH_URL', env.MICROSOFT_GRAPH_URL, 'https://graph.microsoft.us') ?? 'https://graph.microsoft.com';
  if (!graphUrl.startsWith('https://')) throw new ConfigError(`MICROSOFT_GRAPH_URL must use https (${graphUrl}): the Graph client sends no token over plain http.`);
  return { tenantId, clientId, clientSecret, authorityHost, graphUrl };
}
