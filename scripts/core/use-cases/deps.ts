import type { Catalog } from '../catalog.js';
import type { Clock } from '../clock.js';
import type { Directory, KnowledgeIndex, Logger, Notifier, ProviderRegistry, RequestStore } from '../ports.js';
import type { PolicySettings } from '../settings.js';

/**
 * Everything a use case needs, wired by the handler. Adapters behind these ports may be created lazily, so a
 * use case that never touches Slack never loads the Slack SDK.
 */
export interface JitDeps {
  store: RequestStore;
  directory: Directory;
  notifier: Notifier;
  providers: ProviderRegistry;
  catalog: Catalog;
  clock: Clock;
  policy: PolicySettings;
  log: Logger;
  /** A fresh, unguessable request id. */
  newId(): string;
  /** The knowledge index, loaded on first use; undefined when the config has none. */
  knowledge(): Promise<KnowledgeIndex | undefined>;
}
