import { expect, it } from 'vitest';
import { JitError, ValidationError } from '../../../scripts/core/errors.js';
import type { AccessProvider, GrantContext } from '../../../scripts/core/ports.js';

/** What the contract suite needs from one provider's test file. */
export interface ProviderFixture {
  /** Fresh AWS state (moto reset, the person, the policy / role / permission set created). */
  setup(): Promise<void>;
  provider(): AccessProvider;
  /** A grant context for `grantId`; `email` defaults to the known person. */
  ctx(grantId: string, email?: string): GrantContext;
  /** A person the mapping accepts but who does not exist in AWS. */
  unknownEmail: string;
  /** A person the mapping rule refuses (domain not allowed). */
  unmappableEmail: string;
  /** Reads AWS with the SDK (never the package's records): does `email` have the access now? */
  hasAccess(email?: string): Promise<boolean>;
  /** What the package has created in AWS, as names; empty when it has left nothing. */
  footprint(): Promise<string[]>;
  /**
   * A provider and context whose grant fails after it has written something, or a reason why the provider
   * makes a single write (so there is no halfway).
   */
  halfway: (() => Promise<{ provider: AccessProvider; ctx: GrantContext }>) | { singleWrite: string };
}

/** Registers the provider contract's tests in the current `describe` block. */
export function providerContract(fixture: () => ProviderFixture): void {
  it('grants, shows in AWS, revokes, is gone, and revoking again succeeds', async () => {
    const f = fixture();
    await f.setup();
    const provider = f.provider();
    const ctx = f.ctx('grant-one');
    expect(await f.hasAccess()).toBe(false);
    await provider.validate?.(ctx);
    await provider.grant(ctx);
    expect(await f.hasAccess()).toBe(true);
    expect((await f.footprint()).length).toBeGreaterThan(0);
    await provider.revoke(ctx);
    expect(await f.hasAccess()).toBe(false);
    expect(await f.footprint()).toEqual([]);
    await provider.revoke(ctx);
    expect(await f.hasAccess()).toBe(false);
  });

  it('refuses a person who does not exist in AWS, with a clear error, creating nothing', async () => {
    const f = fixture();
    await f.setup();
    const provider = f.provider();
    const ctx = f.ctx('grant-unknown', f.unknownEmail);
    const refusal = provider.validate ? provider.validate(ctx) : Promise.reject(new Error('validate is required'));
    await expect(refusal).rejects.toMatchObject({ code: 'aws.principal_not_found' });
    await expect(provider.grant(ctx)).rejects.toBeInstanceOf(JitError);
    expect(await f.hasAccess(f.unknownEmail)).toBe(false);
    expect(await f.footprint()).toEqual([]);
  });

  it('refuses a person the mapping rule does not map, before any AWS write', async () => {
    const f = fixture();
    await f.setup();
    const provider = f.provider();
    const ctx = f.ctx('grant-unmapped', f.unmappableEmail);
    await expect(provider.grant(ctx)).rejects.toBeInstanceOf(ValidationError);
    await expect(provider.grant(ctx)).rejects.toMatchObject({ code: 'aws.principal_unmapped' });
    expect(await f.footprint()).toEqual([]);
  });

  it('grants idempotently: the same grant twice leaves one grant', async () => {
    const f = fixture();
    await f.setup();
    const provider = f.provider();
    const ctx = f.ctx('grant-twice');
    await provider.grant(ctx);
    const once = await f.footprint();
    await provider.grant(ctx);
    expect(await f.footprint()).toEqual(once);
    expect(await f.hasAccess()).toBe(true);
    await provider.revoke(ctx);
    expect(await f.hasAccess()).toBe(false);
    expect(await f.footprint()).toEqual([]);
  });

  it('undoes what it did when a grant fails halfway, and says why', async () => {
    const f = fixture();
    await f.setup();
    const halfway = f.halfway;
    if (!('singleWrite' in halfway)) {
      const { provider, ctx } = await halfway();
      const failure = await provider.grant(ctx).then(() => undefined, (err: unknown) => err);
      expect(failure).toBeInstanceOf(JitError);
      expect((failure as JitError).message.length).toBeGreaterThan(20);
      expect(await f.footprint()).toEqual([]);
      expect(await f.hasAccess(ctx.userEmail)).toBe(false);
    } else {
      expect(halfway.singleWrite.length).toBeGreaterThan(0);
    }
  });

  it('keeps the access a second overlapping grant still covers when the first ends', async () => {
    const f = fixture();
    await f.setup();
    const provider = f.provider();
    const first = f.ctx('grant-first');
    const second = { ...f.ctx('grant-second'), expiresAt: first.expiresAt + 3_600_000 };
    await provider.grant(first);
    await provider.grant(second);
    await provider.revoke(first);
    expect(await f.hasAccess()).toBe(true);
    await provider.revoke(second);
    expect(await f.hasAccess()).toBe(false);
    expect(await f.footprint()).toEqual([]);
  });

  it('describes what approval will write before anything is written', async () => {
    const f = fixture();
    await f.setup();
    const provider = f.provider();
    const preview = await provider.describe?.(f.ctx('grant-preview'));
    expect(preview?.provider).toBe(provider.name);
    expect(preview?.summary.length).toBeGreaterThan(0);
    expect(await f.footprint()).toEqual([]);
    expect(await f.hasAccess()).toBe(false);
  });
}
