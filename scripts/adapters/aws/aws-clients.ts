import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { AwsSettings } from './aws-settings.js';

/** The SDK clients the AWS providers use, built once per provider. */
export interface AwsClients {
  iam: IAMClient;
  ssoAdmin: SSOAdminClient;
  identityStore: IdentitystoreClient;
}

/**
 * Builds the SDK clients with the standard credential chain. The region is the config's, else
 * `AWS_REGION` / `AWS_DEFAULT_REGION`, else us-east-1 (IAM is global; Identity Center must be given its
 * instance's region). An `endpoint` in the settings, or `AWS_ENDPOINT_URL`, points them elsewhere (moto).
 */
export function createAwsClients(aws: AwsSettings): AwsClients {
  const region = aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const config = { region, ...(aws.endpoint ? { endpoint: aws.endpoint } : {}) };
  return { iam: new IAMClient(config), ssoAdmin: new SSOAdminClient(config), identityStore: new IdentitystoreClient(config) };
}
