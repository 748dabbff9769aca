/**
 * Reads the GitHub directory's settings: the organisation (config), and one credential from the environment,
 * a GitHub App (recommended) or a token. Every missing or contradictory setting is a ConfigError naming the
 * key or variable; no message repeats a secret.
 */
import { createPrivateKey } from 'node:crypto';
import { ConfigError } from '../../core/errors.js';
import { normalisePem, readEndpointUrl } from '../directory/endpoint-url.js';

/** How the adapter authenticates to GitHub. */
export type GitHubCredential =
  | { kind: 'app'; appId: string; privateKey: string; installationId?: number }
  | { kind: 'token'; token: string };

/** Where GitHub is, which organisation, how to authenticate, and where emails come from. */
export interface GitHubSettings {
  organization: string;
  /** REST base URL: `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  apiUrl: string;
  credential: GitHubCredential;
  /** Absolute path of the email mapping file, if any. */
  emailMapping?: string | Record<string, unknown>[];
  /** Whether to read emails from the organisation's SAML identities. */
  samlEmails: boolean;
}

/** The config keys the GitHub directory reads (validated by the config schema). */
export interface GitHubConfig {
  organization?: string;
  /** Already resolved against the config's folder. */
  email_mapping?: string | Record<string, unknown>[];
  saml_emails?: boolean;
}

const ORG = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

function readPrivateKey(raw: string): string {
  const value = normalisePem(raw.trim());
  try {
    createPrivateKey(value);
  } catch {
    throw new ConfigError('GITHUB_APP_PRIVATE_KEY is not a PEM private key: paste the private key GitHub generated for the App (the .pem file).');
  }
  return value;
}

/** Reads and checks the settings; `config` is the `directory` section. */
export function readGitHubSettings(env: Record<string, string | undefined>, config: GitHubConfig): GitHubSettings {
  const organization = config.organization?.trim();
  if (!organization) throw new ConfigError('directory.organization is not set: name the GitHub organisation whose teams approve, e.g. organization: acme.');
  if (!ORG.test(organization)) throw new ConfigError(`directory.organization "${organization.slice(0, 60)}" is not a GitHub organisation login.`);
  const apiUrl = readEndpointUrl('GITHUB_API_URL', env.GITHUB_API_URL, 'https://github.example.com/api/v3') ?? 'https://api.github.com';
  const appId = env.GITHUB_APP_ID?.trim();
  const privateKey = env.GITHUB_APP_PRIVATE_KEY?.trim();
  const installation = env.GITHUB_APP_INSTALLATION_ID?.trim();
  const token = env.GITHUB_TOKEN?.trim();
  const common = { organization, apiUrl, samlEmails: config.saml_emails ?? true, ...(config.email_mapping ? { emailMapping: config.email_mapping } : {}) };
  if (token && (appId || privateKey)) {
    throw new ConfigError('GITHUB_TOKEN and GITHUB_APP_ID / GITHUB_APP_PRIVATE_KEY are both set: use either a GitHub App or a token, not both.');
  }
  if (appId || privateKey) {
    if (!appId) throw new ConfigError('GITHUB_APP_ID is not set: GITHUB_APP_PRIVATE_KEY needs the App\'s id (App settings → About → App ID).');
    if (!privateKey) throw new ConfigError('GITHUB_APP_PRIVATE_KEY is not set: the GitHub App GITHUB_APP_ID needs its private key.');
    if (!/^\d+$/.test(appId)) throw new ConfigError('GITHUB_APP_ID must be the App\'s numeric id.');
    if (installation !== undefined && installation !== '' && !/^\d+$/.test(installation)) {
      throw new ConfigError('GITHUB_APP_INSTALLATION_ID must be the numeric id of the App\'s installation on the organisation, or unset (it is then looked up).');
    }
    return {
      ...common,
      credential: { kind: 'app', appId, privateKey: readPrivateKey(privateKey), ...(installation ? { installationId: Number(installation) } : {}) },
    };
  }
  if (installation) throw new ConfigError('GITHUB_APP_INSTALLATION_ID is set but only applies to a GitHub App (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY).');
  if (token) return { ...common, credential: { kind: 'token', token } };
  throw new ConfigError(
    'GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY are not set: set them for a GitHub App installed on the organisation (or GITHUB_TOKEN for a token).',
  );
}

/** The variables to check when GitHub refuses the credential, for error messages. */
export function gitHubCredentialVariables(settings: GitHubSettings): string {
  return settings.credential.kind === 'token' ? 'GITHUB_TOKEN' : 'GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID';
}
