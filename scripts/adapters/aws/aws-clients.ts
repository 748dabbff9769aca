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

/** Per-client limits: the SDK's attempts per call and its HTTP timeouts (removals keep them short). */
export interface AwsClientTuning {
  maxAttempts?: number;
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
}

/**
 * Builds the SDK clients with the standard credential chain. The region is the config's, else
 * `AWS_REGION` / `AWS_DEFAULT_REGION`, else us-east-1 (IAM is global; Identity Center must be given its
 * instance's region). An `endpoint` in the settings, or `AWS_ENDPOINT_URL`, points them elsewhere (moto).
 */
export function createAwsClients(aws: AwsSettings, tuning: AwsClientTuning = {}): AwsClients {
  const region = aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // The HTTP handler only warns about a slow request unless told to fail it (throwOnRequestTimeout).
  const handler =
    tuning.requestTimeoutMs || tuning.connectionTimeoutMs
      ? { requestHandler: { requestTimeout: tuning.requestTimeoutMs, throwOnRequestTimeout: true, socketTimeout: tuning.requestTimeoutMs, connectionTimeout: tuning.connectionTimeoutMs } }
      : {};
  const config = { region, ...(aws.endpoint ? { endpoint: aws.endpoint } : {}), ...(tuning.maxAttempts ? { maxAttempts: tuning.maxAttempts } : {}), ...handler };
  return { iam: new IAMClient(config), ssoAdmin: new SSOAdminClient(config), identityStore: new IdentitystoreClient(config) };
}
