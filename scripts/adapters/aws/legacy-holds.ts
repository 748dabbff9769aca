import { DeleteInstanceProfileCommand, ListInstanceProfilesCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Logger } from '../../core/ports.js';
import type { AccessRequest } from '../../core/types.js';
import { callAws, unlessNotFound } from './aws-errors.js';
import type { AwsCoordination } from './aws-coordination.js';
import { shortHash } from './grant-names.js';

/** Where versions before the store kept holds: empty IAM instance profiles, named and pathed by grant and target. */
export const LEGACY_HOLD_ROOT = '/kubiya-jit/holds/';
const HOLD_PATH = /^\/kubiya-jit\/holds\/([0-9a-f]+)\/exp-(\d+)\/keep-([01])\/$/;
const DONE_KEY = 'aws:legacy-holds:migrated';
const ACTIVE: readonly string[] = ['granting', 'access_granted', 'ending'];

/** One hold as versions before the store wrote it in IAM. */
export interface LegacyHold {
  name: string;
  grantKey: string;
  targetHash: string;
  expiresAt: number;
  keep: boolean;
}

/** Lists the instance profiles under `prefix` that have the old holds' shape. */
export async function listLegacyHolds(iam: IAMClient, prefix = LEGACY_HOLD_ROOT): Promise<LegacyHold[]> {
  const holds: LegacyHold[] = [];
  let marker: string | undefined;
  do {
    const page = await callAws('list the old grant holds', () => iam.send(new ListInstanceProfilesCommand({ PathPrefix: prefix, Marker: marker })));
    for (const profile of page.InstanceProfiles ?? []) {
      const match = profile.Path?.startsWith(prefix) ? HOLD_PATH.exec(profile.Path) : null;
      const name = profile.InstanceProfileName ?? '';
      if (!match || !name.startsWith('kjit-hold-')) continue;
      holds.push({ name, grantKey: name.slice('kjit-hold-'.length), targetHash: match[1]!, expiresAt: Number(match[2]) * 1000, keep: match[3] === '1' });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return holds;
}

/**
 * Brings holds that earlier versions kept in IAM into the store, once. They are trusted only as far as the
 * store agrees: the hold must name a request that is active, granted by this provider, on exactly this
 * target (worked out again from the request), and have no hold in the store yet; its expiry is capped at the
 * request's. Anything else on that path (a forged instance profile, a stale one) is left alone and changes
 * nothing; `reconcile` lists it. Once no old hold of an active request is left anywhere, a store flag ends
 * the look-ups for good.
 */
export class LegacyHolds {
  private checked?: Promise<boolean>;

  constructor(
    private readonly iam: IAMClient,
    private readonly c: AwsCoordination,
    private readonly provider: string,
    private readonly targetOf: (request: AccessRequest) => Promise<string | undefined>,
    private readonly log: Logger,
  ) {}

  /** Imports the old holds on `target` (a no-op once every old hold is migrated). */
  async importFor(target: string): Promise<void> {
    if (await this.migrated()) return;
    for (const legacy of await listLegacyHolds(this.iam, `${LEGACY_HOLD_ROOT}${shortHash(target)}/`)) {
      const request = await this.c.store.get(legacy.grantKey);
      if (!request || !ACTIVE.includes(request.status) || (request.grantedWith && request.grantedWith.provider !== this.provider)) continue;
      if ((await this.c.store.listHolds(target)).some((hold) => hold.grantId === request.id)) continue;
      if ((await this.targetOf(request).catch(() => undefined)) !== target) continue;
      const expiresAt = Math.min(legacy.expiresAt, request.expiresAt ?? legacy.expiresAt);
      await this.c.store.addHold({ target, grantId: request.id, expiresAt, keep: legacy.keep });
      await unlessNotFound('delete an old grant hold', () => this.iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: legacy.name })));
      this.log.info('moved a grant hold from IAM into the store', { grantId: request.id, target });
    }
  }

  private migrated(): Promise<boolean> {
    this.checked ??= this.check();
    return this.checked;
  }

  private async check(): Promise<boolean> {
    const now = this.c.now();
    if (await this.c.store.cacheGet(DONE_KEY, now)) return true;
    for (const legacy of await listLegacyHolds(this.iam)) {
      const request = await this.c.store.get(legacy.grantKey);
      if (request && ACTIVE.includes(request.status)) return false;
    }
    // Nothing old is still in use: never look again (the flag outlives any grant).
    await this.c.store.cachePut(DONE_KEY, new Date(now).toISOString(), Number.MAX_SAFE_INTEGER);
    return true;
  }
}
