import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppContext, type ExpiryDeps } from '../../app/app-context.js';
import { reportConfigProblems } from '../../core/use-cases/config-problems.js';

/** How often the worker re-reads its config even when no file it knows of changed. */
const RECHECK_MS = 30_000;

/**
 * The worker's view of the config, re-read while it runs: when a file changes, and every 30 s. A config that
 * breaks never stops the worker: it keeps sweeping with the last good config (or, if it never had one, with
 * what each grant recorded), reports the error once per change (operator log, an alert to the approvers'
 * channel through the outbox), and picks the config up again once it is fixed.
 */
export class ExpirySource {
  private current!: ExpiryDeps;
  private lastGood: ExpiryDeps | undefined;
  private reported = '[]';
  private checkedAt = 0;
  private signature = '';

  private constructor(private readonly ctx: AppContext) {}

  /** Builds the first view from the worker's own context. */
  static async start(ctx: AppContext): Promise<ExpirySource> {
    const source = new ExpirySource(ctx);
    source.signature = source.fileSignature();
    source.checkedAt = Date.now();
    await source.adopt(await ctx.expiryDeps());
    return source;
  }

  /** The deps to sweep with now, and the config's current problems. */
  get deps(): ExpiryDeps {
    return this.current;
  }

  /** Re-reads the config if a file changed or the recheck interval passed. */
  async refresh(): Promise<void> {
    const signature = this.fileSignature();
    if (signature === this.signature && Date.now() - this.checkedAt < RECHECK_MS) return;
    this.signature = signature;
    this.checkedAt = Date.now();
    const base = await this.ctx.expiryDeps();
    const fresh = await AppContext.create(
      this.ctx.env,
      { store: this.ctx.store(), log: this.ctx.log, clock: this.ctx.clock, notifier: this.ctx.notifier(), owner: this.ctx.owner },
      { tolerateConfigErrors: true },
    );
    const next = await fresh.expiryDeps().catch((err: unknown) => {
      this.ctx.log.error('re-reading the config failed', { error: String(err) });
      return { deps: base.deps, problems: [`The config could not be re-read: ${String(err).slice(0, 300)}`] };
    });
    await this.adopt(next);
  }

  private async adopt(next: ExpiryDeps): Promise<void> {
    if (next.problems.length === 0) {
      if (this.reported !== '[]') this.ctx.log.info('config is sound again');
      this.lastGood = next;
      this.current = next;
    } else {
      // Sweep on with the last good config: its catalog and policy still describe the grants being ended.
      this.current = this.lastGood ? { deps: this.lastGood.deps, problems: next.problems } : next;
    }
    const key = JSON.stringify(next.problems);
    if (key !== this.reported) {
      this.reported = key;
      await reportConfigProblems(this.current.deps, next.problems).catch((err: unknown) => this.ctx.log.error('reporting config problems failed', { error: String(err) }));
    }
  }

  /** Size and modification time of the config file and its AWS companion files. */
  private fileSignature(): string {
    const dir = dirname(this.ctx.config.path);
    const aws = (this.ctx.config.file.aws ?? {}) as { access_configs_file?: string; s3_configs_file?: string };
    const files = [this.ctx.config.path, resolve(dir, aws.access_configs_file ?? 'access_configs.json'), resolve(dir, aws.s3_configs_file ?? 's3_configs.json')];
    return files
      .map((file) => {
        try {
          const stat = statSync(file);
          return `${stat.size}:${stat.mtimeMs}`;
        } catch {
          return 'absent';
        }
      })
      .join('|');
  }
}
