import {
  CreateInstanceProfileCommand,
  DeleteInstanceProfileCommand,
  ListInstanceProfilesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { callAws, isAlreadyExists, unlessNotFound, upstream } from './aws-errors.js';
import { grantKey, isoSeconds, shortHash } from './grant-names.js';

/** One grant's hold on a shared access (a managed policy attachment, an SSO assignment). */
export interface Hold {
  grantKey: string;
  /** Epoch seconds after which the hold no longer keeps the access alive. */
  expiresAt: number;
  /** The access existed before any grant held it (standing access), so the last holder must not remove it. */
  keep: boolean;
}

const ROOT = '/kubiya-jit/holds/';
const HOLD_PATH = /^\/kubiya-jit\/holds\/[0-9a-f]+\/exp-(\d+)\/keep-([01])\/$/;

/**
 * Records in IAM which grants hold a shared access, so revoking one grant leaves the access that another
 * active grant still covers. A hold is an empty IAM instance profile (no role, so it carries no permission)
 * named `kjit-hold-<grant key>` under `/kubiya-jit/holds/<target hash>/exp-<epoch s>/keep-<0|1>/`: one
 * `ListInstanceProfiles` on the target's path shows every holder and its expiry. AWS is the record, not the
 * package's store, so a reconciliation and an operator see the same truth.
 */
export class HoldLedger {
  constructor(private readonly iam: IAMClient) {}

  /** Every hold on `target` (any string naming the access), expired ones included. */
  async holds(target: string): Promise<Hold[]> {
    const prefix = `${ROOT}${shortHash(target)}/`;
    const holds: Hold[] = [];
    let marker: string | undefined;
    do {
      const page = await callAws('list the grant holds', () => this.iam.send(new ListInstanceProfilesCommand({ PathPrefix: prefix, Marker: marker })));
      for (const profile of page.InstanceProfiles ?? []) {
        // The path is filtered here too: PathPrefix is only a hint for some IAM implementations.
        const match = profile.Path?.startsWith(prefix) ? HOLD_PATH.exec(profile.Path) : null;
        const name = profile.InstanceProfileName ?? '';
        if (!match || !name.startsWith('kjit-hold-')) continue;
        holds.push({ grantKey: name.slice('kjit-hold-'.length), expiresAt: Number(match[1]), keep: match[2] === '1' });
      }
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return holds;
  }

  /** This grant's hold on `target`, if recorded. */
  async own(target: string, grantId: string): Promise<Hold | undefined> {
    const key = grantKey(grantId);
    return (await this.holds(target)).find((hold) => hold.grantKey === key);
  }

  /** Holds of other grants on `target` that are still live at `nowMs`. */
  async others(target: string, grantId: string, nowMs: number): Promise<Hold[]> {
    const key = grantKey(grantId);
    return (await this.holds(target)).filter((hold) => hold.grantKey !== key && hold.expiresAt * 1000 > nowMs);
  }

  /**
   * Whether a new hold on `target` must keep the access at the end: a live holder's flag is inherited; with
   * none, an access already present is standing access unless expired holds (grants whose revocation has
   * not run yet) account for it.
   */
  async keepFor(target: string, grantId: string, nowMs: number, present: boolean): Promise<boolean> {
    const key = grantKey(grantId);
    const others = (await this.holds(target)).filter((hold) => hold.grantKey !== key);
    const live = others.filter((hold) => hold.expiresAt * 1000 > nowMs);
    if (live.length > 0) return live.some((hold) => hold.keep);
    if (others.length > 0) return present && others.some((hold) => hold.keep);
    return present;
  }

  /** Records the grant's hold; recording it again is success. */
  async add(target: string, grantId: string, expiresAtMs: number, keep: boolean): Promise<void> {
    const expiresAt = Math.ceil(expiresAtMs / 1000);
    const path = `${ROOT}${shortHash(target)}/exp-${expiresAt}/keep-${keep ? 1 : 0}/`;
    try {
      await this.iam.send(
        new CreateInstanceProfileCommand({
          InstanceProfileName: holdName(grantId),
          Path: path,
          Tags: [
            { Key: 'kubiya-jit:grant-id', Value: grantKey(grantId) },
            { Key: 'kubiya-jit:expires-at', Value: isoSeconds(expiresAtMs) },
          ],
        }),
      );
    } catch (err) {
      if (!isAlreadyExists(err)) throw upstream('record the grant hold', err);
    }
  }

  /** Deletes the grant's hold; deleting one that is gone is success. */
  async remove(grantId: string): Promise<void> {
    await unlessNotFound('delete the grant hold', () => this.iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: holdName(grantId) })));
  }
}

function holdName(grantId: string): string {
  return `kjit-hold-${grantKey(grantId)}`;
}
