/**
 * The `none` Enforcer adapter, for deployments where the cloud-side grant (an IAM policy, an SSO assignment)
 * is all there is and no Enforcer decides tool runs.
 */
import type { Enforcer, EnforcerGrant } from '../../core/ports.js';

/** An Enforcer that writes nothing: `allow` and `remove` succeed at once. */
export class NoneEnforcer implements Enforcer {
  readonly kind = 'none';

  /** Does nothing: there is no Enforcer to write to. */
  async allow(_grant: EnforcerGrant): Promise<void> {}

  /** Does nothing: there is no Enforcer to remove from. */
  async remove(_grant: EnforcerGrant): Promise<void> {}
}
