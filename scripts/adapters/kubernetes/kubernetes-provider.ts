import { ConfigError, ConflictError, ValidationError } from '../../core/errors.js';
import type { AccessProvider, GrantContext, Logger, OwnerRouting } from '../../core/ports.js';
import type { GrantPreview, Json } from '../../core/types.js';
import { bindingFor, bindingName, CLUSTER_LABEL, isOwnBinding, MANAGED_BY, MANAGER, REQUEST_LABEL, roleOf, scopes, subjectFor } from './kube-bindings.js';
import { KubeApiError, type KubeBinding, type KubeCalls } from './kube-client.js';
import { explainKubeError } from './kube-errors.js';
import { namespaceOwners } from './kube-owners.js';
import type { KubeClusterSettings, KubeSettings } from './kube-settings.js';

/** Opens the calls to one cluster (the real client, or the same client pointed at a stand-in in tests). */
export type ClusterConnector = (cluster: KubeClusterSettings) => Promise<KubeCalls>;

/**
 * The `kubernetes` provider: a grant is one RoleBinding per requested namespace to the requested ClusterRole
 * (a ClusterRoleBinding for `["*"]` where the cluster allows it), named from the request id and labelled
 * with it. Each grant owns its own bindings, so overlapping grants of one person, role and namespace keep
 * access until the last one ends without any shared state, and bindings the package did not write are never
 * touched: a binding is removed only when its labels name this request.
 */
export class KubernetesProvider implements AccessProvider {
  readonly name = 'kubernetes';
  private readonly connections = new Map<string, Promise<KubeCalls>>();
  /** Grants that failed on a definite refusal and whose writes were all undone: nothing of theirs exists. */
  private readonly undone = new Set<string>();

  constructor(
    private readonly clusters: KubeSettings,
    private readonly connect: ClusterConnector,
    private readonly log: Logger,
  ) {}

  /** Checks before anything is stored: the person maps to a subject, the role and every namespace exist. */
  async validate(ctx: GrantContext): Promise<void> {
    const { cluster, api } = await this.open(ctx);
    subjectFor(cluster, ctx.userEmail);
    const role = roleOf(ctx.params);
    const exists = await api.clusterRoleExists(role).catch((err: unknown) => Promise.reject(explainKubeError(err, { cluster: cluster.name, action: `read ClusterRole ${role}` })));
    if (!exists) throw new ValidationError('kubernetes.role_not_found', `ClusterRole ${role} does not exist in cluster ${cluster.name}; ask an admin to create it or remove it from the config.`, { role });
    for (const namespace of scopes(ctx.params)) {
      if (namespace === undefined) continue;
      const found = await api.readNamespace(namespace).catch((err: unknown) => Promise.reject(explainKubeError(err, { cluster: cluster.name, action: 'read the namespace', namespace })));
      if (!found) throw new ValidationError('kubernetes.namespace_not_found', `Namespace ${namespace} does not exist in cluster ${cluster.name}; check the name.`, { namespace });
      if (found.terminating) throw new ValidationError('kubernetes.namespace_terminating', `Namespace ${namespace} of cluster ${cluster.name} is being deleted; nothing can be granted in it.`, { namespace });
    }
  }

  /** The owners of the requested namespaces (config mapping, then the allowlisted annotation). */
  async ownerGroups(ctx: GrantContext): Promise<OwnerRouting | undefined> {
    const { cluster, api } = await this.open(ctx);
    const namespaces = scopes(ctx.params).filter((n): n is string => n !== undefined);
    return namespaceOwners(cluster, api, namespaces).catch((err: unknown) => Promise.reject(explainKubeError(err, { cluster: cluster.name, action: 'read the namespaces\' owners' })));
  }

  async describe(ctx: GrantContext): Promise<GrantPreview> {
    const cluster = this.settings(ctx);
    const bindings = scopes(ctx.params).map((namespace) => bindingFor(cluster, ctx, namespace));
    const subject = bindings[0]?.subjects[0];
    return {
      provider: this.name,
      summary: bindings.map((b) =>
        b.metadata.namespace
          ? `RoleBinding ${b.metadata.name} in ${cluster.name}/${b.metadata.namespace}: ClusterRole ${b.roleRef.name} for ${subject?.kind} ${subject?.name}`
          : `ClusterRoleBinding ${b.metadata.name} in ${cluster.name} (every namespace): ClusterRole ${b.roleRef.name} for ${subject?.kind} ${subject?.name}`,
      ),
      documents: { bindings: bindings as unknown as Json },
    };
  }

  /** Writes every binding; when one fails, removes the ones this call wrote before throwing. */
  async grant(ctx: GrantContext): Promise<void> {
    const { cluster, api } = await this.open(ctx);
    const written: { namespace: string | undefined; uid: string }[] = [];
    for (const namespace of scopes(ctx.params)) {
      const site = { cluster: cluster.name, action: `create a RoleBinding to ClusterRole ${roleOf(ctx.params)}`, ...(namespace ? { namespace } : {}) };
      try {
        const made = await this.createOrAdopt(api, bindingFor(cluster, ctx, namespace), ctx.grantId);
        written.push({ namespace, uid: made.metadata.uid ?? '' });
      } catch (err) {
        this.log.warn('a Kubernetes binding could not be written; undoing the grant', { grantId: ctx.grantId, cluster: cluster.name, namespace, error: String(err) });
        const clean = await this.undo(api, ctx.grantId, written);
        // A 4xx is a refusal: the binding was not written. (A 5xx or a lost answer may have written it.)
        if (clean && err instanceof KubeApiError && err.status >= 400 && err.status < 500 && err.status !== 409) this.undone.add(ctx.grantId);
        throw explainKubeError(err, site);
      }
    }
  }

  /** Removes this grant's bindings, each only while its labels still name the request; gone is success. */
  async revoke(ctx: GrantContext): Promise<void> {
    // The core revokes after a failed grant; when that grant provably left nothing, there is nothing to read
    // (and a runner refused the write may not be allowed to read either).
    if (this.undone.delete(ctx.grantId)) return;
    const { cluster, api } = await this.open(ctx);
    const name = bindingName(ctx.grantId);
    for (const namespace of scopes(ctx.params)) {
      const site = { cluster: cluster.name, action: `remove RoleBinding ${name}`, ...(namespace ? { namespace } : {}) };
      try {
        const found = await api.readBinding(namespace, name);
        if (!found) continue;
        if (!isOwnBinding(found, ctx.grantId)) {
          this.log.warn('a binding with the grant\'s name is not the grant\'s own; left alone', { grantId: ctx.grantId, namespace });
          continue;
        }
        await api.deleteBinding(namespace, name, found.metadata.uid ?? '');
      } catch (err) {
        throw explainKubeError(err, site);
      }
    }
  }

  /** The request ids labelled on the package's bindings in every configured cluster. */
  async listGrantIds(): Promise<string[]> {
    const ids = new Set<string>();
    for (const cluster of Object.values(this.clusters)) {
      const api = await this.calls(cluster);
      const selector = `${MANAGED_BY}=${MANAGER},${CLUSTER_LABEL}=${cluster.name}`;
      const bindings = await api.listBindings(selector, cluster.clusterWide).catch((err: unknown) => Promise.reject(explainKubeError(err, { cluster: cluster.name, action: 'list RoleBindings' })));
      for (const binding of bindings) {
        const id = binding.metadata.labels?.[REQUEST_LABEL];
        if (id) ids.add(id);
      }
    }
    return [...ids];
  }

  private async createOrAdopt(api: KubeCalls, body: KubeBinding, grantId: string): Promise<KubeBinding> {
    try {
      return await api.createBinding(body.metadata.namespace, body);
    } catch (err) {
      if ((err as { status?: number }).status !== 409) throw err;
      // A retry of the same grant finds its own binding: success. Anything else by that name is not ours.
      const existing = await api.readBinding(body.metadata.namespace, body.metadata.name);
      if (existing && isOwnBinding(existing, grantId) && existing.roleRef.name === body.roleRef.name) return existing;
      throw new ConflictError('kubernetes.name_taken', `A binding named ${body.metadata.name} that kubiya-jit did not write for this request already exists${body.metadata.namespace ? ` in namespace ${body.metadata.namespace}` : ''}; it was left alone.`);
    }
  }

  /** Deletes what this grant wrote; true when every delete succeeded. */
  private async undo(api: KubeCalls, grantId: string, written: { namespace: string | undefined; uid: string }[]): Promise<boolean> {
    let clean = true;
    for (const { namespace, uid } of written.reverse()) {
      await api.deleteBinding(namespace, bindingName(grantId), uid).catch((err: unknown) => {
        clean = false;
        this.log.error('undoing a binding failed; the revocation retries it', { grantId, namespace, error: String(err) });
      });
    }
    return clean;
  }

  private settings(ctx: GrantContext): KubeClusterSettings {
    const name = ctx.settings.cluster;
    const cluster = typeof name === 'string' ? this.clusters[name] : undefined;
    if (!cluster) throw new ConfigError(`Kubernetes cluster ${String(name)} is not configured (kubernetes.clusters); add it back to remove what it granted.`, { cluster: String(name) });
    return cluster;
  }

  private async open(ctx: GrantContext): Promise<{ cluster: KubeClusterSettings; api: KubeCalls }> {
    const cluster = this.settings(ctx);
    return { cluster, api: await this.calls(cluster) };
  }

  private calls(cluster: KubeClusterSettings): Promise<KubeCalls> {
    let api = this.connections.get(cluster.name);
    if (!api) this.connections.set(cluster.name, (api = this.connect(cluster)));
    return api;
  }
}
