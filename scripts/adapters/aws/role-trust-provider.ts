import {
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { ValidationError } from '../../core/errors.js';
import type { AccessProvider, GrantContext, Logger, TargetFinding } from '../../core/ports.js';
import type { GrantPreview, Json } from '../../core/types.js';
import { callAws, unlessNotFound } from './aws-errors.js';
import { lockTarget, type AwsCoordination } from './aws-coordination.js';
import type { AwsSettings } from './aws-settings.js';
import { stringSetting } from './entry-settings.js';
import { isoSeconds, trustStatementSid } from './grant-names.js';
import { assertIamUser } from './iam-users.js';
import type { PolicyDocument } from './policy-document.js';
import { mapPrincipal } from './principal-mapping.js';
import {
  DENY_MARGIN_MS,
  denyStatement,
  denyTimes,
  isPackageTrustSid,
  mergeDeny,
  nextRemoval,
  SESSION_DENY_POLICY,
  sessionNameFor,
  statementsOf,
  trustStatement,
} from './role-trust-documents.js';
import { assertSessionDenyFits, assertTrustPolicyFits, otherInlinePolicyChars, projectedDenyDocument } from './role-trust-limits.js';
import { humanDuration } from './session-length.js';
import { writeVerified } from './verified-write.js';

interface RoleState {
  roleName: string;
  roleId: string;
  accountId: string;
  /** Seconds a session of the role can last (`MaxSessionDuration`, 1–12 h). */
  maxSessionSeconds: number;
  document: PolicyDocument;
}

/**
 * `aws-role-trust` (seed 003): adds one statement, `Sid` derived from the grant id, admitting the
 * requester's principal to `sts:AssumeRole` on a role until the expiry (`DateLessThan aws:CurrentTime`) and
 * only with the session name derived from them (`sts:RoleSessionName`); at the end removes exactly that
 * statement, and denies the requester's sessions issued before that moment with an inline policy on the role
 * (`aws:userid`, `aws:TokenIssueTime`), removed again once no such session can be alive (a follow-up). Every
 * write replaces a whole document, so each runs under the role's store lock and is read back. Entry
 * settings: `role_name`, optional `account_id`.
 */
export class RoleTrustProvider implements AccessProvider {
  readonly name = 'aws-role-trust';

  constructor(
    private readonly iam: IAMClient,
    private readonly aws: AwsSettings,
    private readonly log: Logger,
    private readonly c: AwsCoordination,
  ) {}

  async validate(ctx: GrantContext): Promise<void> {
    const state = await this.load(roleNameOf(ctx));
    if (!state) throw roleMissing(ctx);
    await this.principal(ctx, state);
  }

  async describe(ctx: GrantContext): Promise<GrantPreview> {
    const state = await this.load(roleNameOf(ctx));
    if (!state) throw roleMissing(ctx);
    const sessionName = sessionNameFor(ctx.userEmail);
    const statement = trustStatement(ctx.grantId, await this.principal(ctx, state), sessionName, ctx.expiresAt);
    const ttl = Math.max(0, Math.round((ctx.expiresAt - this.c.now()) / 1000));
    const session = state.maxSessionSeconds;
    return {
      provider: this.name,
      summary: [
        `Let ${String((statement.Principal as { AWS: string }).AWS)} assume role ${state.roleName} until ${isoSeconds(ctx.expiresAt)}, only with session name "${sessionName}" (--role-session-name ${sessionName}).`,
        `A session of this role lasts up to ${humanDuration(session)} (its MaxSessionDuration)${session > ttl ? `, longer than this grant's ${humanDuration(ttl)}` : ''}: at the end, an inline deny on the role cuts every "${sessionName}" session issued before then, and is removed ${humanDuration(session)} later.`,
      ],
      documents: { roleName: state.roleName, trustStatement: statement as unknown as Json, maxSessionSeconds: session },
    };
  }

  async grant(ctx: GrantContext): Promise<void> {
    const roleName = roleNameOf(ctx);
    await lockTarget(this.c, this.aws, this.log, `aws:role:${roleName}`, async () => {
      const state = await this.load(roleName);
      if (!state) throw roleMissing(ctx);
      const statement = trustStatement(ctx.grantId, await this.principal(ctx, state), sessionNameFor(ctx.userEmail), ctx.expiresAt);
      const same = (document: PolicyDocument | undefined) => statementsOf(document).some((s) => JSON.stringify(s) === JSON.stringify(statement));
      const withGrant = (current: PolicyDocument | undefined): PolicyDocument => ({ ...current!, Statement: [...statementsOf(current).filter((s) => s.Sid !== statement.Sid), statement] });
      // A grant already written (a retry) is never refused: refusing skips the undo, and would leave it.
      if (!same(state.document)) await this.assertSessionDenyRoom(state, withGrant(state.document));
      await this.writeTrust(state, 'add the requester to the trust policy', (current) => {
        if (same(current)) return undefined;
        const next = withGrant(current);
        assertTrustPolicyFits(state.roleName, next, this.aws.trustPolicyMaxChars);
        return next;
      }, same);
    });
  }

  async revoke(ctx: GrantContext): Promise<void> {
    const roleName = roleNameOf(ctx);
    await lockTarget(this.c, this.aws, this.log, `aws:role:${roleName}`, async () => {
      const state = await this.load(roleName);
      if (!state) return;
      const sid = trustStatementSid(ctx.grantId);
      const gone = (document: PolicyDocument | undefined) => !statementsOf(document).some((s) => s.Sid === sid);
      await this.writeTrust(state, 'remove the requester from the trust policy', (current) =>
        gone(current) ? undefined : { ...current!, Statement: statementsOf(current).filter((s) => s.Sid !== sid) },
        gone,
      );
      // Only now, with the statement gone (read back), can no new session start: deny the older ones.
      const endAt = Math.ceil(this.c.now() / 1000) * 1000;
      await this.denySessions(state, sessionNameFor(ctx.userEmail), endAt);
    });
  }

  /** Trust statements of the package's form on the configured roles, by Sid (see {@link grantKey}). */
  async listGrantIds(): Promise<string[]> {
    const sids = new Set<string>();
    for (const role of this.aws.roleTrust) {
      const state = await this.load(role.roleName);
      for (const statement of statementsOf(state?.document)) if (isPackageTrustSid(statement.Sid)) sids.add(statement.Sid);
    }
    return [...sids].sort();
  }

  /** A grant's trust statement is found by its Sid, a hash of the grant id. */
  grantKey(grantId: string): string {
    return trustStatementSid(grantId);
  }

  /** The session denies on the configured roles and on roles with a removal scheduled: still needed, or over. */
  async inspect(options: { fix: boolean; now: number; entries: Record<string, Json>[] }): Promise<TargetFinding[]> {
    const roles = new Set([...this.aws.roleTrust.map((r) => r.roleName), ...options.entries.map((e) => String(e.role_name ?? '')).filter(Boolean)]);
    const findings: TargetFinding[] = [];
    for (const roleName of [...roles].sort()) {
      const over: TargetFinding[] = [];
      for (const statement of statementsOf(await this.readDeny(roleName))) {
        const times = denyTimes(statement);
        if (!times) continue;
        const who = String((statement.Condition?.StringEquals as Record<string, Json> | undefined)?.['aws:userid'] ?? '').split(':').slice(1).join(':');
        const what = `session deny for "${who}" on role ${roleName} (sessions issued before ${isoSeconds(times.endAt)})`;
        if (times.removeAfter > options.now) findings.push({ what: `${what}, needed until ${isoSeconds(times.removeAfter)}`, state: 'active' });
        else over.push({ what: `${what}, over since ${isoSeconds(times.removeAfter)}`, state: 'leftover', removed: false });
      }
      if (options.fix && over.length > 0) {
        const error = await this.followUp({ role_name: roleName }, options.now).then(
          () => undefined,
          (err: unknown) => (err instanceof Error ? err.message : String(err)),
        );
        for (const finding of over) Object.assign(finding, error === undefined ? { removed: true } : { error });
      }
      findings.push(...over);
    }
    return findings;
  }

  /** Removes the session denies on a role that no session can need any more; returns when the next one is due. */
  async followUp(data: Record<string, Json>, now: number): Promise<number | undefined> {
    const roleName = String(data.role_name ?? '');
    if (!roleName) return undefined;
    return lockTarget(this.c, this.aws, this.log, `aws:role:${roleName}`, async () => {
      await this.writeDeny(roleName, (current) => mergeDeny(current, undefined, now), (seen) => statementsOf(seen).every((s) => (denyTimes(s)?.removeAfter ?? Infinity) > now));
      return nextRemoval(await this.readDeny(roleName));
    });
  }

  private async denySessions(state: RoleState, sessionName: string, endAt: number): Promise<void> {
    const removeAfter = endAt + state.maxSessionSeconds * 1000 + DENY_MARGIN_MS;
    const deny = denyStatement(state.roleId, sessionName, endAt, removeAfter);
    const covers = (seen: PolicyDocument | undefined) =>
      statementsOf(seen).some((s) => s.Sid === deny.Sid && (denyTimes(s)?.endAt ?? 0) >= endAt && JSON.stringify(s.Condition?.StringEquals) === JSON.stringify(deny.Condition?.StringEquals));
    const others = await otherInlinePolicyChars(this.iam, state.roleName);
    await this.writeDeny(
      state.roleName,
      (current) => {
        const next = mergeDeny(current, deny, this.c.now());
        assertSessionDenyFits(state.roleName, others, next, 'revoke');
        return next;
      },
      covers,
    );
    const next = nextRemoval(await this.readDeny(state.roleName));
    if (next !== undefined) {
      await this.c.store.scheduleFollowUp({ key: `aws-role-trust:deny:${state.roleName}`, provider: this.name, dueAt: next, data: { role_name: state.roleName }, attempts: 0 });
    }
  }

  /** Refuses a grant whose grantees' session denies, all written, would not fit in the role's inline policies. */
  private async assertSessionDenyRoom(state: RoleState, trust: PolicyDocument): Promise<void> {
    const deny = projectedDenyDocument(await this.readDeny(state.roleName), trust, state.roleId, this.c.now());
    assertSessionDenyFits(state.roleName, await otherInlinePolicyChars(this.iam, state.roleName), deny, 'grant');
  }

  private async writeTrust(state: RoleState, action: string, next: (current: PolicyDocument | undefined) => PolicyDocument | undefined, done: (seen: PolicyDocument | undefined) => boolean): Promise<void> {
    await writeVerified(
      {
        what: `the trust policy of role ${state.roleName}`,
        read: async () => (await this.load(state.roleName))?.document,
        next,
        write: async (document) => {
          await callAws(`${action} of role ${state.roleName}`, () => this.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: state.roleName, PolicyDocument: JSON.stringify(document) })));
          this.log.info('aws-role-trust: trust policy updated', { role: state.roleName, statements: statementsOf(document).length });
        },
        done,
      },
      this.aws.verify,
      this.c.sleep,
    );
  }

  private async writeDeny(roleName: string, next: (current: PolicyDocument | undefined) => PolicyDocument, done: (seen: PolicyDocument | undefined) => boolean): Promise<void> {
    await writeVerified(
      {
        what: `the session deny policy of role ${roleName}`,
        read: () => this.readDeny(roleName),
        next: (current) => {
          const document = next(current);
          const unchanged = JSON.stringify(statementsOf(document)) === JSON.stringify(statementsOf(current));
          return unchanged && (current !== undefined || statementsOf(document).length === 0) ? undefined : document;
        },
        write: async (document) => {
          if (statementsOf(document).length === 0) {
            await unlessNotFound(`remove the session deny policy of role ${roleName}`, () => this.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: SESSION_DENY_POLICY })));
          } else {
            await callAws(`write the session deny policy of role ${roleName}`, () =>
              this.iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: SESSION_DENY_POLICY, PolicyDocument: JSON.stringify(document) })),
            );
          }
        },
        done,
      },
      this.aws.verify,
      this.c.sleep,
    );
  }

  private async readDeny(roleName: string): Promise<PolicyDocument | undefined> {
    const out = await unlessNotFound(`read the session deny policy of role ${roleName}`, () => this.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: SESSION_DENY_POLICY })));
    return out?.PolicyDocument ? (JSON.parse(decodeURIComponent(out.PolicyDocument)) as PolicyDocument) : undefined;
  }

  /** The requester's principal ARN; an IAM user in the role's own account must exist. */
  private async principal(ctx: GrantContext, state: RoleState): Promise<string> {
    const arn = mapPrincipal(this.aws.principals, ctx.userEmail, 'principalArn', { accountId: stringSetting(ctx, 'account_id') ?? state.accountId });
    const user = /^arn:aws[\w-]*:iam::(\d{12}):user\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn);
    if (user && user[1] === state.accountId) await assertIamUser(this.iam, user[2]!, ctx.userEmail);
    return arn;
  }

  private async load(roleName: string): Promise<RoleState | undefined> {
    const out = await unlessNotFound(`read role ${roleName}`, () => this.iam.send(new GetRoleCommand({ RoleName: roleName })));
    if (!out?.Role) return undefined;
    // IAM returns the trust policy URL-encoded.
    const raw = out.Role.AssumeRolePolicyDocument ?? '{"Version":"2012-10-17","Statement":[]}';
    return {
      roleName,
      roleId: out.Role.RoleId ?? '',
      accountId: /^arn:aws[\w-]*:iam::(\d{12}):/.exec(out.Role.Arn ?? '')?.[1] ?? '',
      maxSessionSeconds: out.Role.MaxSessionDuration ?? 3600,
      document: JSON.parse(decodeURIComponent(raw)) as PolicyDocument,
    };
  }
}

function roleNameOf(ctx: GrantContext): string {
  const roleName = stringSetting(ctx, 'role_name');
  if (!roleName) throw new ValidationError('aws.entry_incomplete', `${ctx.toolName} needs role_name in aws.role_trust.`);
  return roleName;
}

function roleMissing(ctx: GrantContext): ValidationError {
  return new ValidationError('aws.role_not_found', `Role ${stringSetting(ctx, 'role_name') ?? ''} does not exist. Fix role_name in aws.role_trust.`);
}
