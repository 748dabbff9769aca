import { ConfigDirectory } from '../../scripts/adapters/directory/config-directory.js';
import { SqliteRequestStore } from '../../scripts/adapters/store/sqlite-request-store.js';
import { StaticCatalog, type CatalogEntry } from '../../scripts/core/catalog.js';
import { ManualClock } from '../../scripts/core/clock.js';
import type { AccessProvider, Notifier, RequesterNotice } from '../../scripts/core/ports.js';
import { DEFAULT_POLICY, type PolicySettings } from '../../scripts/core/settings.js';
import type { AccessRequest } from '../../scripts/core/types.js';
import type { JitDeps } from '../../scripts/core/use-cases/deps.js';

/** What a recording notifier was asked to send, in order. */
export type Sent = { kind: 'update' | 'notice' | 'alert' | 'channel'; requestId?: string; notice?: RequesterNotice; status?: string; text?: string };

/** A notifier that records what it sends; `behaviour` can make every call hang or fail instead. */
export function recordingNotifier(behaviour: { mode: 'ok' | 'hang' | 'fail'; error?: Error } = { mode: 'ok' }): Notifier & { sent: Sent[]; calls: number } {
  const sent: Sent[] = [];
  const notifier = {
    sent,
    calls: 0,
    async postApprovalRequest() {
      return { channel: 'C1', ts: '1.0001' };
    },
    async updateApprovalRequest(_ref: unknown, request: AccessRequest) {
      await act({ kind: 'update', requestId: request.id, status: request.status });
    },
    async notifyRequester(request: AccessRequest, notice: RequesterNotice) {
      await act({ kind: 'notice', requestId: request.id, notice, status: request.status });
    },
    async alertApprovers(request: AccessRequest, text: string) {
      await act({ kind: 'alert', requestId: request.id, text });
    },
    async alertChannel(text: string) {
      await act({ kind: 'channel', text });
    },
  };
  async function act(entry: Sent): Promise<void> {
    notifier.calls += 1;
    if (behaviour.mode === 'hang') await new Promise(() => undefined);
    if (behaviour.mode === 'fail') throw behaviour.error ?? new Error('slack down');
    sent.push(entry);
  }
  return notifier;
}

/** An enforcer-like catalog entry for `provider`. */
export function entryFor(name: string, provider: string): CatalogEntry {
  return { name, description: name, provider, settings: {}, maxTtlSeconds: 3600, defaultTtlSeconds: 3600, paramsSchema: {}, validateParams: () => [] };
}

/** Core deps over a fresh in-memory SQLite store, a manual clock, and the given providers and notifier. */
export function coreDeps(options: {
  providers: Record<string, AccessProvider>;
  notifier?: Notifier;
  policy?: Partial<PolicySettings>;
  now?: number;
  owner?: string;
  store?: SqliteRequestStore;
}): JitDeps & { store: SqliteRequestStore; clock: ManualClock; logged: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const logged: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void logged.push({ level, message, ...(fields ? { fields } : {}) });
  return {
    store: options.store ?? SqliteRequestStore.open(':memory:'),
    directory: new ConfigDirectory({}),
    notifier: options.notifier ?? recordingNotifier(),
    providers: {
      get: async (name) => {
        const provider = options.providers[name];
        if (!provider) throw new Error(`no provider ${name}`);
        return provider;
      },
    },
    catalog: new StaticCatalog(Object.keys(options.providers).map((name) => entryFor(`tool_${name}`, name))),
    clock: new ManualClock(options.now ?? 1_800_000_000_000),
    policy: { ...DEFAULT_POLICY, ...options.policy },
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    newId: () => 'req_new',
    knowledge: async () => undefined,
    ...(options.owner ? { owner: options.owner } : {}),
    logged,
  };
}
