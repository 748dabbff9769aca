import { GetRoleCommand, UpdateAssumeRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { ValidationError } from '../../core/errors.js';
import type { AccessProvider, GrantContext, Logger } from '../../core/ports.js';
import type { GrantPreview, Json } from '../../core/types.js';
import { callAws, unlessNotFound } from './aws-errors.js';
import type { AwsSettings } from './aws-settings.js';
import { stringSetting } from './entry-settings.js';
import { isoSeconds, trustStatementSid } from './grant-names.js';
import { assertIamUser } from './iam-users.js';
import { withExpiry, type PolicyDocument, type PolicyStatement } from './policy-document.js';
import { mapPrincipal } from './principal-mapping.js';

interface TrustState {
  roleName: string;
  accountId: string;
  document: PolicyDocument;
}

/**
 * `aws-role-trust` (seed 003): adds one statement, `Sid` derived from the grant id, admitting the
 * requester's principal to `sts:AssumeRole` on a role until the expiry (`DateLessThan aws:CurrentTime`), and
 * at the end removes exactly that statement, leaving every other statement as it was. Two grants are two
 * statements. Entry settings: `role_name`, optional `account_id`.
 */
export class RoleTrustProvider implements AccessProvider {
  readonly name = 'aws-role-trust';

  constructor(
    private readonly iam: IAMClient,
    private readonly aws: AwsSettings,
    private readonly log: Logger,
  ) {}

  async validate(ctx: GrantContext): Promise<void> {
    const state = await this.load(ctx);
    if (!state) throw roleMissing(ctx);
    await this.principal(ctx, state);
  }

  async describe(ctx: GrantContext): Promise<GrantPreview> {
    const state = await this.load(ctx);
    if (!state) throw roleMissing(ctx);
    const statement = this.statement(ctx, await this.principal(ctx, state));
    return {
      provider: this.name,
      summary: [`Let ${String((statement.Principal as { AWS: string }).AWS)} assume role ${state.roleName} until ${isoSeconds(ctx.expiresAt)}.`],
      documents: { roleName: state.roleName, trustStatement: statement as unknown as Json },
    };
  }

  async grant(ctx: GrantContext): Promise<void> {
    const state = await this.load(ctx);
    if (!state) throw roleMissing(ctx);
    const statement = this.statement(ctx, await this.principal(ctx, state));
    const current = statements(state.document);
    const mine = current.find((item) => item.Sid === statement.Sid);
    if (mine && JSON.stringify(mine) === JSON.stringify(statement)) return;
    const next = [...current.filter((item) => item.Sid !== statement.Sid), statement];
    await this.write(state, next, 'add the requester to the trust policy');
  }

  async revoke(ctx: GrantContext): Promise<void> {
    const state = await this.load(ctx);
    if (!state) return;
    const sid = trustStatementSid(ctx.grantId);
    const current = statements(state.document);
    if (!current.some((item) => item.Sid === sid)) return;
    await this.write(state, current.filter((item) => item.Sid !== sid), 'remove the requester from the trust policy');
  }

  private statement(ctx: GrantContext, principalArn: string): PolicyStatement {
    return withExpiry({ Sid: trustStatementSid(ctx.grantId), Effect: 'Allow', Principal: { AWS: principalArn }, Action: 'sts:AssumeRole' }, ctx.expiresAt);
  }

  /** The requester's principal ARN; an IAM user in the role's own account must exist. */
  private async principal(ctx: GrantContext, state: TrustState): Promise<string> {
    const arn = mapPrincipal(this.aws.principals, ctx.userEmail, 'principalArn', { accountId: stringSetting(ctx, 'account_id') ?? state.accountId });
    const user = /^arn:aws[\w-]*:iam::(\d{12}):user\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn);
    if (user && user[1] === state.accountId) await assertIamUser(this.iam, user[2]!, ctx.userEmail);
    return arn;
  }

  private async load(ctx: GrantContext): Promise<TrustState | undefined> {
    const roleName = stringSetting(ctx, 'role_name');
    if (!roleName) throw new ValidationError('aws.entry_incomplete', `${ctx.toolName} needs role_name in aws.role_trust.`);
    const out = await unlessNotFound(`read role ${roleName}`, () => this.iam.send(new GetRoleCommand({ RoleName: roleName })));
    if (!out?.Role) return undefined;
    // IAM returns the trust policy URL-encoded.
    const raw = out.Role.AssumeRolePolicyDocument ?? '{"Version":"2012-10-17","Statement":[]}';
    const document = JSON.parse(decodeURIComponent(raw)) as PolicyDocument;
    const accountId = /^arn:aws[\w-]*:iam::(\d{12}):/.exec(out.Role.Arn ?? '')?.[1] ?? '';
    return { roleName, accountId, document };
  }

  private async write(state: TrustState, next: PolicyStatement[], action: string): Promise<void> {
    const document = { ...state.document, Statement: next };
    await callAws(`${action} of role ${state.roleName}`, () => this.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: state.roleName, PolicyDocument: JSON.stringify(document) })));
    this.log.info('aws-role-trust: trust policy updated', { role: state.roleName, statements: next.length });
  }
}

/** The statements of a document; IAM allows a single statement object instead of a list. */
function statements(document: PolicyDocument): PolicyStatement[] {
  const raw = document.Statement as PolicyStatement[] | PolicyStatement | undefined;
  if (!raw) return [];
  return Array.isArray(raw) ? raw : [raw];
}

function roleMissing(ctx: GrantContext): ValidationError {
  return new ValidationError('aws.role_not_found', `Role ${stringSetting(ctx, 'role_name') ?? ''} does not exist. Fix role_name in aws.role_trust.`);
}
