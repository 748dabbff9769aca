import { ValidationError } from '../../core/errors.js';
import type { GrantContext } from '../../core/ports.js';
import type { KubeBinding } from './kube-client.js';
import type { KubeClusterSettings } from './kube-settings.js';
import { CLUSTER_WIDE } from './kube-settings.js';

/** Labels and annotations every binding the package writes carries. */
export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGER = 'kubiya-jit';
export const REQUEST_LABEL = 'kubiya-jit.io/request-id';
export const CLUSTER_LABEL = 'kubiya-jit.io/cluster';
export const REQUESTER_ANNOTATION = 'kubiya-jit.io/requester';
export const EXPIRES_ANNOTATION = 'kubiya-jit.io/expires-at';
export const APPROVED_BY_ANNOTATION = 'kubiya-jit.io/approved-by';

const RBAC = 'rbac.authorization.k8s.io';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// What a subject name may hold: no spaces or control characters; Kubernetes itself accepts any string.
const SUBJECT_NAME = /^[\w.@:+=,/-]{1,253}$/;
// A label value: at most 63 of [A-Za-z0-9_.-], starting and ending alphanumeric.
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * The binding's name for a grant: `kubiya-jit-` and the request id in lowercase with `_` as `-`, so
 * the same grant always writes the same name (idempotent) and two grants never share one.
 */
export function bindingName(grantId: string): string {
  return `kubiya-jit-${grantId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 253).replace(/-+$/, '');
}

/** The request's namespaces; `["*"]` is a cluster-wide grant, returned as `[undefined]`. */
export function scopes(params: GrantContext['params']): (string | undefined)[] {
  const namespaces = Array.isArray(params.namespaces) ? params.namespaces.filter((n): n is string => typeof n === 'string') : [];
  return namespaces.map((n) => (n === CLUSTER_WIDE ? undefined : n));
}

/** The role a request asks for. */
export function roleOf(params: GrantContext['params']): string {
  return typeof params.role === 'string' ? params.role : '';
}

/** Maps the requester's email to the binding's subject by the cluster's rule (override, then pattern). */
export function subjectFor(cluster: KubeClusterSettings, email: string): KubeBinding['subjects'][number] {
  const normalized = email.trim().toLowerCase();
  const refuse = (why: string) =>
    new ValidationError('kubernetes.subject_unmapped', `${email} does not map to a Kubernetes ${cluster.subject.kind.toLowerCase()} in cluster ${cluster.name}: ${why}. Ask an admin to add the person to the cluster's subjects.overrides.`, { email });
  if (!EMAIL.test(normalized)) throw refuse('it is not an email address');
  const at = normalized.lastIndexOf('@');
  const [local, domain] = [normalized.slice(0, at), normalized.slice(at + 1)];
  if (cluster.subject.allowedDomains.length > 0 && !cluster.subject.allowedDomains.map((d) => d.toLowerCase()).includes(domain)) {
    throw refuse(`its domain is not one of ${cluster.subject.allowedDomains.join(', ')}`);
  }
  const name = cluster.subject.overrides[normalized] ?? cluster.subject.pattern.replaceAll('{email}', normalized).replaceAll('{local}', local).replaceAll('{domain}', domain);
  if (!SUBJECT_NAME.test(name)) throw refuse(`"${name.slice(0, 80)}" is not a subject name this package writes`);
  return { apiGroup: RBAC, kind: cluster.subject.kind, name };
}

/** The binding a grant writes in `namespace` (undefined: a ClusterRoleBinding). */
export function bindingFor(cluster: KubeClusterSettings, ctx: GrantContext, namespace: string | undefined): KubeBinding {
  if (!LABEL_VALUE.test(ctx.grantId)) throw new ValidationError('kubernetes.bad_grant_id', `Grant id ${ctx.grantId.slice(0, 40)} cannot be a label value.`);
  return {
    metadata: {
      name: bindingName(ctx.grantId),
      ...(namespace ? { namespace } : {}),
      labels: { [MANAGED_BY]: MANAGER, [REQUEST_LABEL]: ctx.grantId, [CLUSTER_LABEL]: cluster.name },
      annotations: {
        [REQUESTER_ANNOTATION]: ctx.userEmail,
        [EXPIRES_ANNOTATION]: new Date(ctx.expiresAt).toISOString(),
        ...(ctx.approvedBy ? { [APPROVED_BY_ANNOTATION]: ctx.approvedBy } : {}),
      },
    },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: roleOf(ctx.params) },
    subjects: [subjectFor(cluster, ctx.userEmail)],
  };
}

/** Whether an existing binding is this grant's own (written by the package for this request). */
export function isOwnBinding(binding: KubeBinding, grantId: string): boolean {
  return binding.metadata.labels?.[MANAGED_BY] === MANAGER && binding.metadata.labels[REQUEST_LABEL] === grantId;
}
