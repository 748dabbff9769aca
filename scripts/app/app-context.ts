import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { AwsSettings } from '../adapters/aws/aws-settings.js';
import type { EnforcerConfig } from '../adapters/enforcer/enforcer-config.js';
import { StaticCatalog, type Catalog } from '../core/catalog.js';
import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { Directory, KnowledgeIndex, Logger, Notifier, RequestStore } from '../core/ports.js';
import { DEFAULT_POLICY, expiryOnlyPolicy, type PolicySettings } from '../core/settings.js';
import type { JitDeps } from '../core/use-cases/deps.js';
import { ConfigDirectory } from '../adapters/directory/config-directory.js';
import { createLogger } from '../adapters/file-logger.js';
import { lazyPort } from '../adapters/lazy-port.js';
import { openRequestStore } from '../adapters/store/open-request-store.js';
import { systemClock } from '../adapters/system-clock.js';
import { buildPolicy } from '../config/build-policy.js';
import { unenforcedToolsWarning } from '../config/enforcement-warnings.js';
import type { LoadedConfig } from '../config/jit-config.js';
import { knowledgeSource } from '../config/knowledge-source.js';
import { configPath, loadConfig } from '../config/load-config.js';
import { parseDuration } from '../core/duration.js';
import { isJitError } from '../core/errors.js';
import { buildExpiryCatalog, buildFullCatalog } from './build-catalog-all.js';
import { openStore, unreadableConfigFile } from './open-store.js';
import { createProviderRegistry } from './provider-registry.js';
import { checkDirectoryKeys, createProviderDirectory } from './provider-directory.js';
import { databasePath, logPath } from './runtime-paths.js';

/** Overrides for tests and the demo: a moved clock, a fixed notifier, … */
export interface ContextOverrides {
  clock?: Clock;
  notifier?: Notifier;
  log?: Logger;
  /** An open store to share (the worker re-reads the config into a new context on the same store). */
  store?: RequestStore;
  /** This process's name in leases and claims, kept across the worker's config reloads. */
  owner?: string;
}

/** Deps for expiry, and what is wrong with the config they were built despite. */
export interface ExpiryDeps {
  deps: JitDeps;
  /** Config errors, each naming the file and key; empty when the config is sound. */
  problems: string[];
}

/**
 * The composition root of one CLI run: the config, the store, and the rest of the ports built on demand, so a
 * command only pays for (and only needs the settings of) what it uses.
 */
export class AppContext {
  readonly clock: Clock;
  readonly log: Logger;
  readonly policy: PolicySettings;
  /**
   * Whether opening the store may create the database. The CLI sets it from the command's spec before the
   * command runs: only commands that file requests or sweep create one; the others need it to exist.
   */
  databaseAccess: 'create' | 'existing' | 'if-present' = 'existing';
  /** The command being run, named in errors about the database. */
  commandName?: string;
  private storeInstance?: RequestStore;
  private storeOpening?: Promise<RequestStore>;
  private openedStore?: RequestStore;
  private depsPromise?: Promise<JitDeps>;
  private expiryPromise?: Promise<ExpiryDeps>;
  private directoryInstance?: Directory;
  private notifierInstance?: Notifier;
  /** This process's name in removal leases and outbox claims. */
  readonly owner: string;

  /** The context that owns the store and adapters; itself, except for an {@link actingAs} view. */
  private readonly root: AppContext;

  private constructor(
    readonly config: LoadedConfig,
    readonly env: NodeJS.ProcessEnv,
    private readonly overrides: ContextOverrides,
    /** Set when the config could not be read at all: only expiry runs, with what each grant recorded. */
    readonly configProblem?: ConfigError,
    root?: AppContext,
  ) {
    this.root = root ?? this;
    this.clock = overrides.clock ?? systemClock;
    // JIT_LOG=stdout (the worker as a service): JSON lines to stdout only, no file (the container may be read-only).
    this.log = root?.log ?? overrides.log ?? createLogger({ file: env.JIT_LOG === 'stdout' ? undefined : logPath(env), stderr: env.JIT_LOG === 'stderr', stdout: env.JIT_LOG === 'stdout' });
    this.policy = root?.policy ?? (configProblem ? expiryOnlyPolicy(DEFAULT_POLICY) : buildPolicy(config.file));
    // Once per process: a context acting as someone else (the console) shares the root's config and log.
    if (!root) {
      const unenforced = configProblem ? undefined : unenforcedToolsWarning(config.file);
      if (unenforced) this.log.warn(unenforced, { config: config.path });
    }
    this.storeInstance = overrides.store;
    this.owner = root?.owner ?? overrides.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  }

  /**
   * Loads the config named by the environment and prepares a context. With `tolerateConfigErrors` (the
   * worker and the sweeps), a config that cannot be read gives a context that can still end grants, with
   * {@link configProblem} saying what is wrong.
   */
  static async create(env: NodeJS.ProcessEnv, overrides: ContextOverrides = {}, options: { tolerateConfigErrors?: boolean } = {}): Promise<AppContext> {
    try {
      const config = await loadConfig(env);
      if (config.origin === 'env' && env.JIT_BUNDLE_FINGERPRINT) {
        // Only a bundle tool run with a config from its environment pays for this check.
        await (await import('./bundle-match.js')).assertConfigMatchesBundle(config, env);
      }
      return new AppContext(config, env, overrides);
    } catch (err) {
      if (!options.tolerateConfigErrors || !(err instanceof ConfigError)) throw err;
      const path = configPath(env);
      return new AppContext({ file: unreadableConfigFile(env), path, dir: dirname(path), origin: 'file' }, env, overrides, err);
    }
  }

  /**
   * This context acting for another person (the console's signed-in user, an API token's owner): the same
   * config, store and adapters, with `KUBIYA_USER_EMAIL` set to `email`, so the handlers and use cases see that
   * person exactly as they see whoever runs a tool.
   */
  actingAs(email: string): AppContext {
    return new AppContext(this.config, { ...this.env, KUBIYA_USER_EMAIL: email }, this.overrides, this.configProblem, this.root);
  }

  /**
   * The request store, opened on its first call, so a command that never reads it (bundle, enforcer policy,
   * approvers on the config directory) never opens or creates a database.
   */
  store(): RequestStore {
    if (this.root !== this) return this.root.store();
    this.storeInstance ??= lazyPort(() => this.openStore());
    return this.storeInstance;
  }

  /**
   * Opens the store now (once): the CLI calls it before a command that declares it reads or writes the
   * database, so a missing one is reported before the command does anything else.
   */
  openStore(): Promise<RequestStore> {
    if (this.root !== this) return this.root.openStore();
    // A store lent by the caller (a test, the chaos runs) is used as it is, and never closed here.
    if (this.overrides.store) return Promise.resolve(this.overrides.store);
    this.storeOpening ??= Promise.resolve().then(() => {
      const location = databasePath(this.env);
      try {
        this.openedStore = openStore(this.config, this.env, { mustExist: this.databaseAccess !== 'create', command: this.commandName });
      } catch (err) {
        if (this.databaseAccess !== 'if-present' || !isJitError(err) || err.code !== 'store.not_found') throw err;
        // Nothing this command reports comes from the database: run without one rather than create it.
        this.log.info('no database; running with a store that lasts for this run only', { location, command: this.commandName });
        this.openedStore = openRequestStore(':memory:');
      }
      return this.openedStore;
    });
    return this.storeOpening;
  }

  /** The directory the config names: its own group lists, Okta, GitHub, Google Workspace or Microsoft Entra. */
  directory(): Directory {
    if (this.root !== this) return this.root.directory();
    this.directoryInstance ??= this.createDirectory();
    return this.directoryInstance;
  }

  /** Everything the use cases need; the catalog and adapters are built the first time this is called. */
  deps(): Promise<JitDeps> {
    if (this.root !== this) return this.root.deps();
    if (this.configProblem) return Promise.reject(this.configProblem);
    this.depsPromise ??= this.buildDeps();
    return this.depsPromise;
  }

  /**
   * Deps for ending grants, built whatever state the config is in: the full ones when it is sound; otherwise
   * whatever part of it can be read (the tools, the `aws` section without its companion files, nothing at all)
   * and the problems. Removal uses what each grant recorded, so it does not need the rest.
   */
  expiryDeps(): Promise<ExpiryDeps> {
    if (this.root !== this) return this.root.expiryDeps();
    this.expiryPromise ??= this.buildExpiryDeps();
    return this.expiryPromise;
  }

  /** Releases the database, unless it was lent by the caller (a view leaves it to the context it came from). */
  async close(): Promise<void> {
    if (this.root !== this) return;
    await this.openedStore?.close();
  }

  private createDirectory(): Directory {
    const section = this.config.file.directory ?? { type: 'config' as const };
    checkDirectoryKeys(section);
    if (section.type === 'config') return new ConfigDirectory(section.groups ?? {});
    if (section.type !== 'okta') {
      return createProviderDirectory(section, { env: this.env, configDir: this.config.dir, store: () => this.store(), clock: this.clock, log: this.log });
    }
    // Zero is meaningful here (no cache: ask Okta on every check), but parseDuration takes positive durations only.
    const seconds = (value: string | undefined, key: string) =>
      value === undefined ? undefined : /^\s*0+\s*[smhdw]?\s*$/i.test(value) ? 0 : parseDuration(value, key);
    return lazyPort(async () => {
      const { createOktaDirectory } = await import('../adapters/okta/okta-directory.js');
      return createOktaDirectory(this.env, {
        cache: this.store(),
        clock: this.clock,
        log: this.log,
        membershipCacheSeconds: seconds(section.membership_cache, 'directory.membership_cache'),
        memberListCacheSeconds: seconds(section.member_list_cache, 'directory.member_list_cache'),
      });
    });
  }

  private async buildDeps(): Promise<JitDeps> {
    const { catalog, aws, kubernetes } = await buildFullCatalog(this.config);
    return this.assemble(catalog, aws as AwsSettings, this.config.file.enforcer ?? { type: 'none' }, this.directory(), undefined, kubernetes);
  }

  private async buildExpiryDeps(): Promise<ExpiryDeps> {
    // Sweeps never ask the directory; a broken directory section must not stop them, so it is built on first use.
    const directory = lazyPort(async () => this.directory());
    if (this.configProblem) {
      return { deps: this.assemble(new StaticCatalog([]), undefined, undefined, directory, this.configProblem.message), problems: [this.configProblem.message] };
    }
    try {
      return { deps: await this.deps(), problems: [] };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const partial = await buildExpiryCatalog(this.config);
      const deps = this.assemble(partial.catalog, partial.aws, this.config.file.enforcer ?? { type: 'none' }, directory, err.message);
      return { deps, problems: [err.message, ...partial.problems.filter((p) => p !== err.message)] };
    }
  }

  private assemble(catalog: Catalog, aws: AwsSettings | undefined, enforcer: EnforcerConfig | undefined, directory: Directory, problem?: string, kubernetes?: unknown): JitDeps {
    let knowledge: Promise<KnowledgeIndex | undefined> | undefined;
    const store = () => this.store();
    return {
      // Opened on first use: commands that only need the catalog (bundle) never touch the database.
      get store() {
        return store();
      },
      directory,
      notifier: this.notifier(),
      providers: createProviderRegistry({ env: this.env, log: this.log, clock: this.clock, store: lazyPort(async () => this.store()), enforcer, aws, kubernetes, ...(problem ? { problem } : {}) }),
      catalog,
      clock: this.clock,
      policy: this.policy,
      log: this.log,
      newId: () => `req_${randomBytes(8).toString('hex')}`,
      knowledge: () => (knowledge ??= this.loadKnowledge()),
      owner: this.owner,
    };
  }

  /** The notifier (Slack, created on first use), shared by everything this context builds. */
  notifier(): Notifier {
    this.notifierInstance ??=
      this.overrides.notifier ??
      lazyPort(async () => {
        const { createSlackNotifier } = await import('../adapters/slack/slack-notifier.js');
        return createSlackNotifier(this.env, this.log);
      });
    return this.notifierInstance;
  }

  private async loadKnowledge(): Promise<KnowledgeIndex | undefined> {
    const source = await knowledgeSource(this.config, this.env);
    if (!source) return undefined;
    const { loadKnowledgeIndex, indexKnowledgeTexts } = await import('../adapters/knowledge/load-knowledge.js');
    return source.kind === 'dir' ? loadKnowledgeIndex(source.dir) : indexKnowledgeTexts(source.documents, source.label);
  }
}
