import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { Logger } from '../../../scripts/core/ports.js';

/** SDK clients pointed at moto, for setting up and for reading AWS's state independently of the providers. */
export function motoClients(endpoint: string): { iam: IAMClient; sso: SSOAdminClient; store: IdentitystoreClient } {
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  return { iam: new IAMClient(config), sso: new SSOAdminClient(config), store: new IdentitystoreClient(config) };
}

/** Every IAM policy and instance profile under `/kubiya-jit/` (one definition, shared with the CLI tests). */
export { jitResources } from '../../support/aws-harness.js';

/** A logger that keeps what it was told, so a test can read it. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  };
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}
