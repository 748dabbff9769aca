import { randomUUID } from 'node:crypto';
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
  /**
   * Names this process in removal leases and outbox claims (host, process id, a random part), so that a claim
   * is never mistaken for another process's. One is made up when absent.
   */
  owner?: string;
}

const FALLBACK_OWNER = `kubiya-jit:${randomUUID()}`;

/** This process's name in leases and claims. */
export function ownerOf(deps: Pick<JitDeps, 'owner'>): string {
  return deps.owner ?? FALLBACK_OWNER;
}
