/**
 * How AWS grants are removed independently of the config of the day. At approval, {@link awsRemovalPin}
 * records what the providers would otherwise derive from the config (the principal the person maps to, the
 * Identity Center instance, the region); at removal, {@link createAwsRemovalProvider} builds the provider from
 * that record, with SDK clients that give up quickly (one quick retry, short timeouts) so one attempt cannot
 * hang, and with failures that tell the retry schedule about throttling and `Retry-After`. This is wiring
 * around the providers: they are used unchanged.
 */
import { isJitError, UpstreamError } from '../../core/errors.js';
import type { AccessProvider, GrantContext, Logger } from '../../core/ports.js';
import type { Json } from '../../core/types.js';
import type { AwsClientTuning } from './aws-clients.js';
import type { AwsCoordination } from './aws-coordination.js';
import { awsErrorName } from './aws-errors.js';
import { DEFAULT_PRINCIPAL_MAPPING, defaultAwsSettings, type AwsSettings } from './aws-settings.js';
import { createAwsProvider, type AwsProviderName } from './create-aws-provider.js';
import { stringSetting } from './entry-settings.js';
import { mapPrincipal, type PrincipalKind } from './principal-mapping.js';

/** SDK limits for removal calls: one quick SDK retry, then the package's own schedule takes over. */
export const REMOVAL_CLIENT_TUNING: AwsClientTuning = { maxAttempts: 2, requestTimeoutMs: 5_000, connectionTimeoutMs: 3_000 };

const PRINCIPAL_KEYS: Record<PrincipalKind, string> = { iamUser: 'iam_user', identityCenterUser: 'identity_center_user', principalArn: 'principal_arn' };

/** Which principal each provider acts on, and which entry setting holds the account for `{account_id}`. */
const PRINCIPAL_OF: Record<AwsProviderName, { kind: PrincipalKind; account: string }> = {
  'aws-iam-policy': { kind: 'iamUser', account: 'aws_account_id' },
  'aws-iam-dynamic': { kind: 'iamUser', account: 'account_id' },
  'aws-s3': { kind: 'iamUser', account: 'account_id' },
  'aws-identity-center': { kind: 'identityCenterUser', account: 'account_id' },
  'aws-role-trust': { kind: 'principalArn', account: 'account_id' },
};

/**
 * What an AWS grant records for its removal: the region it was made in, the endpoint if one is configured,
 * the principal the person maps to now, and for Identity Center the configured instance. A principal that
 * cannot be mapped (the grant will fail anyway) is left out.
 */
export function awsRemovalPin(name: AwsProviderName, aws: AwsSettings, ctx: GrantContext): Record<string, Json> {
  const pin: Record<string, Json> = { region: aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' };
  if (aws.endpoint) pin.endpoint = aws.endpoint;
  const { kind, account } = PRINCIPAL_OF[name];
  try {
    pin[PRINCIPAL_KEYS[kind]] = mapPrincipal(aws.principals, ctx.userEmail, kind, { accountId: stringSetting(ctx, account) });
  } catch {
    // Role trust maps with the role's own account when the entry names none; it needs no principal to revoke.
  }
  if (name === 'aws-identity-center') {
    if (aws.identityCenter.instanceArn) pin.instance_arn = aws.identityCenter.instanceArn;
    if (aws.identityCenter.identityStoreId) pin.identity_store_id = aws.identityCenter.identityStoreId;
  }
  return pin;
}

/**
 * The AWS settings a removal runs with: today's `aws` section where it could be read (how AWS is reached may
 * have been corrected since), else the recorded region and endpoint; always the recorded principal and
 * instance, so the access removed is the access granted.
 */
export function removalAwsSettings(current: AwsSettings | undefined, pinned: Record<string, Json>, email: string): AwsSettings {
  const text = (key: string) => (typeof pinned[key] === 'string' && pinned[key] ? (pinned[key] as string) : undefined);
  const base = current ?? defaultAwsSettings({ ...(text('region') ? { region: text('region') } : {}), ...(text('endpoint') ? { endpoint: text('endpoint') } : {}) });
  const override = { iamUser: text('iam_user'), identityCenterUser: text('identity_center_user'), principalArn: text('principal_arn') };
  const pinnedPrincipal = Object.values(override).some(Boolean);
  return {
    ...base,
    // Only the recorded principal is trusted: domains, patterns and overrides of today do not apply to it.
    principals: pinnedPrincipal ? { ...DEFAULT_PRINCIPAL_MAPPING, allowedDomains: [], mapOnly: false, overrides: { [email.trim().toLowerCase()]: override } } : base.principals,
    identityCenter: text('instance_arn') ? { instanceArn: text('instance_arn'), identityStoreId: text('identity_store_id') } : base.identityCenter,
  };
}

/** The provider that removes `ctx`'s grant, built from what the grant recorded; see the module comment. */
export async function createAwsRemovalProvider(
  name: AwsProviderName,
  current: AwsSettings | undefined,
  pinned: Record<string, Json>,
  ctx: GrantContext,
  log: Logger,
  coordination: AwsCoordination,
): Promise<AccessProvider> {
  const provider = await createAwsProvider(name, removalAwsSettings(current, pinned, ctx.userEmail), log, coordination, REMOVAL_CLIENT_TUNING);
  return {
    name: provider.name,
    grant: (grant) => provider.grant(grant),
    revoke: async (grant) => {
      try {
        await provider.revoke(grant);
      } catch (err) {
        throw withRetryHints(err);
      }
    },
  };
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled', 'SlowDown']);

/**
 * Marks an AWS failure as throttling (and carries its `Retry-After`), reading the SDK error underneath the
 * package's own; throttling that arrives as a raw SDK error becomes an `aws.throttled` error.
 */
export function withRetryHints(err: unknown): unknown {
  const sdk = isJitError(err) ? err.cause : err;
  const name = awsErrorName(sdk);
  const status = (sdk as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  const throttled = (name !== undefined && THROTTLING.has(name)) || status === 429;
  const header = (sdk as { $response?: { headers?: Record<string, string> } } | undefined)?.$response?.headers?.['retry-after'];
  const retryAfterSeconds = header !== undefined && /^\d+(\.\d+)?$/.test(header.trim()) ? Number(header) : undefined;
  if (!throttled && retryAfterSeconds === undefined) return err;
  const detail = { throttled, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  if (isJitError(err)) return new UpstreamError(err.code, err.message, { cause: err.cause, detail: { ...err.detail, ...detail } });
  return new UpstreamError('aws.throttled', `AWS throttled the removal (${name ?? `HTTP ${status}`}); it will be retried.`, { cause: err, detail });
}
