import type { TargetHold } from '../../core/ports.js';
import type { AwsCoordination } from './aws-coordination.js';
import type { LegacyHolds } from './legacy-holds.js';

/**
 * Which grants hold a shared access (a managed policy attached to a user, an SSO assignment), kept in the
 * package's store, so revoking one grant leaves the access another active grant still covers. Nothing on the
 * AWS side decides it: an IAM object anyone can create on the package's paths changes nothing. Callers hold
 * the target's lock, so reading the holds and acting on them is one step. Holds from before they moved to
 * the store are brought over on first use of their target ({@link LegacyHolds}).
 */
export class HoldLedger {
  constructor(
    private readonly c: AwsCoordination,
    private readonly legacy: LegacyHolds,
  ) {}

  /** Every hold on `target`, expired ones included. */
  async holds(target: string): Promise<TargetHold[]> {
    await this.legacy.importFor(target);
    return this.c.store.listHolds(target);
  }

  /** This grant's hold on `target`, if recorded. */
  async own(target: string, grantId: string): Promise<TargetHold | undefined> {
    return (await this.holds(target)).find((hold) => hold.grantId === grantId);
  }

  /** Holds of other grants on `target` that are still live at `nowMs`. */
  async others(target: string, grantId: string, nowMs: number): Promise<TargetHold[]> {
    return (await this.holds(target)).filter((hold) => hold.grantId !== grantId && hold.expiresAt > nowMs);
  }

  /**
   * Whether a new hold on `target` must keep the access at the end: a live holder's flag is inherited; with
   * none, an access already present is standing access unless expired holds (grants whose revocation has
   * not run yet) account for it.
   */
  async keepFor(target: string, grantId: string, nowMs: number, present: boolean): Promise<boolean> {
    const others = (await this.holds(target)).filter((hold) => hold.grantId !== grantId);
    const live = others.filter((hold) => hold.expiresAt > nowMs);
    if (live.length > 0) return live.some((hold) => hold.keep);
    if (others.length > 0) return present && others.some((hold) => hold.keep);
    return present;
  }

  /** Records the grant's hold; recording it again is success. */
  async add(target: string, grantId: string, expiresAtMs: number, keep: boolean): Promise<void> {
    await this.c.store.addHold({ target, grantId, expiresAt: expiresAtMs, keep });
  }

  /** Drops the grant's hold on `target`; dropping one that is gone is success. */
  async remove(target: string, grantId: string): Promise<void> {
    await this.c.store.removeHold(target, grantId);
  }

  /** Drops every hold of the grant, whatever its target (when the target can no longer be worked out). */
  async removeGrant(grantId: string): Promise<void> {
    for (const hold of await this.c.store.listHolds()) {
      if (hold.grantId === grantId) await this.c.store.removeHold(hold.target, grantId);
    }
  }
}
