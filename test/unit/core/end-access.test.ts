import { describe, expect, it } from 'vitest';
import { ConfigDirectory } from '../../../scripts/adapters/directory/config-directory.js';
import { SqliteRequestStore } from '../../../scripts/adapters/store/sqlite-request-store.js';
import { StaticCatalog, type CatalogEntry } from '../../../scripts/core/catalog.js';
import { ManualClock } from '../../../scripts/core/clock.js';
import type { AccessProvider, Notifier } from '../../../scripts/core/ports.js';
import { DEFAULT_POLICY } from '../../../scripts/core/settings.js';
import type { AccessRequest } from '../../../scripts/core/types.js';
import type { JitDeps } from '../../../scripts/core/use-cases/deps.js';
import { deliverOutbox } from '../../../scripts/core/use-cases/deliver-outbox.js';
import { completeEnd } from '../../../scripts/core/use-cases/end-access.js';
import { requestFixture } from '../../support/request-fixture.js';

const entry: CatalogEntry = {
  name: 'create_ec2', description: 'd', provider: 'flaky', settings: {}, maxTtlSeconds: 3600, defaultTtlSeconds: 3600,
  paramsSchema: {}, validateParams: () => [],
};

/** A provider whose revoke fails the way a library can: a plain Error whose text must not reach people. */
const flaky: AccessProvider = {
  name: 'flaky',
  grant: async () => undefined,
  revoke: async () => {
    throw new Error('socket hang up at https://admin:hunter2@opa.internal:8181 token=xoxb-secret');
  },
};

function deps(store: SqliteRequestStore, alerts: string[], logged: string[]): JitDeps {
  const notifier: Notifier = {
    postApprovalRequest: async () => ({ channel: 'C1', ts: '1' }),
    updateApprovalRequest: async () => undefined,
    notifyRequester: async () => undefined,
    alertApprovers: async (_request, text) => void alerts.push(text),
  };
  return {
    store, notifier, catalog: new StaticCatalog([entry]), clock: new ManualClock(1_800_000_000_000),
    directory: new ConfigDirectory({}), providers: { get: async () => flaky },
    policy: { ...DEFAULT_POLICY, alertAfterFailures: 1 },
    log: { info: () => undefined, warn: () => undefined, error: (_m, f) => void logged.push(JSON.stringify(f)) },
    newId: () => 'req_x', knowledge: async () => undefined,
  };
}

describe('a removal that fails with an error the package did not raise', () => {
  it('keeps retrying, and shows people a generic reason while the operator log keeps the detail', async () => {
    const store = SqliteRequestStore.open(':memory:');
    const request: AccessRequest = requestFixture({ status: 'ending', endKind: 'revoke', expiresAt: 1_800_000_360_000 });
    await store.create(request, []);
    const alerts: string[] = [];
    const logged: string[] = [];
    const d = deps(store, alerts, logged);
    const result = await completeEnd(d, request);
    // The alert goes out from the outbox, after the failure is recorded.
    await deliverOutbox(d, { limit: 10 });
    expect(result.status).toBe('ending');
    expect(result.endAttempts).toBe(1);
    expect(result.lastError).toMatch(/unexpected error/);
    for (const shown of [result.lastError ?? '', ...alerts, JSON.stringify(await store.auditEvents())]) {
      expect(shown).not.toMatch(/hunter2|xoxb-secret/);
    }
    expect(alerts).toHaveLength(1);
    expect(logged.join('\n')).toMatch(/socket hang up/);
    await store.close();
  });
});
