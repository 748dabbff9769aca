import { ConfigError } from '../../core/errors.js';
import type { AccessProvider, Logger } from '../../core/ports.js';
import type { AwsClientTuning } from './aws-clients.js';
import type { AwsSettings } from './aws-settings.js';
import type { AwsCoordination } from './aws-coordination.js';

/** The AWS provider names, one per kind of access. */
export const AWS_PROVIDER_NAMES = ['aws-iam-policy', 'aws-iam-dynamic', 'aws-identity-center', 'aws-s3', 'aws-role-trust'] as const;

/** One of {@link AWS_PROVIDER_NAMES}. */
export type AwsProviderName = (typeof AWS_PROVIDER_NAMES)[number];

/** True when `name` is an AWS provider this module builds. */
export function isAwsProviderName(name: string): name is AwsProviderName {
  return (AWS_PROVIDER_NAMES as readonly string[]).includes(name);
}

/**
 * Builds the AWS access provider called `name`. The provider modules, and through them the AWS SDK, are
 * imported here on first use, so a CLI run that touches no AWS tool never loads the SDK. `coordination` is
 * the store (locks, holds, follow-ups) every process granting in these accounts shares; `tuning` limits the
 * SDK's attempts and timeouts (removals keep them short).
 */
export async function createAwsProvider(name: string, aws: AwsSettings, log: Logger, coordination: AwsCoordination, tuning: AwsClientTuning = {}): Promise<AccessProvider> {
  if (!isAwsProviderName(name)) throw new ConfigError(`Unknown AWS provider "${name}"; expected one of ${AWS_PROVIDER_NAMES.join(', ')}.`, { provider: name });
  const { createAwsClients } = await import('./aws-clients.js');
  const clients = createAwsClients(aws, tuning);
  switch (name) {
    case 'aws-iam-policy': {
      const { IamPolicyProvider } = await import('./iam-policy-provider.js');
      return new IamPolicyProvider(clients.iam, aws, log, coordination);
    }
    case 'aws-iam-dynamic':
    case 'aws-s3': {
      const { DynamicPolicyProvider } = await import('./dynamic-policy-provider.js');
      return new DynamicPolicyProvider(name, clients.iam, aws, log);
    }
    case 'aws-identity-center': {
      const { IdentityCenterProvider } = await import('./identity-center-provider.js');
      return new IdentityCenterProvider(clients.iam, clients.ssoAdmin, clients.identityStore, aws, log, coordination);
    }
    case 'aws-role-trust': {
      const { RoleTrustProvider } = await import('./role-trust-provider.js');
      return new RoleTrustProvider(clients.iam, aws, log, coordination);
    }
  }
}
