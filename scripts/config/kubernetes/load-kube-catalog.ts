import { namespaceRefusal } from '../../adapters/kubernetes/kube-namespaces.js';
import type { KubeClusterSettings, KubeSettings } from '../../adapters/kubernetes/kube-settings.js';
import type { CatalogEntry, ParamIssue } from '../../core/catalog.js';
import { parseDuration } from '../../core/duration.js';
import { ConfigError } from '../../core/errors.js';
import type { Json } from '../../core/types.js';
import { compile } from '../aws/compile-schema.js';
import { assertValid, fieldPath } from '../aws/validate-json.js';
import { kubeSectionSchema, MAX_NAMESPACES } from './kube-schema.js';

/** One `kubernetes.clusters[]` entry as written. */
interface ClusterFile {
  name: string;
  description?: string;
  connection: { in_cluster: true } | { kubeconfig_env: string; context?: string };
  roles: string[];
  cluster_wide?: boolean;
  namespaces?: { allow?: string[]; deny?: string[] };
  subjects?: { kind?: 'User' | 'Group'; name?: string; allowed_domains?: string[]; overrides?: Record<string, string> };
  max_ttl?: string;
  approver_groups?: string[];
  approvals?: { required?: number; each_group?: boolean };
  requester_groups?: string[];
  namespace_approvers?: Record<string, string[]>;
  annotation_allowlist?: string[];
}

/** The provider name of Kubernetes entries. */
export const KUBERNETES_PROVIDER = 'kubernetes';

/**
 * Builds one request entry per configured cluster, `k8s_request_<cluster>` with its revoke tool
 * `k8s_revoke_<cluster>`, and the provider's settings. Nothing is read from a cluster here: whether a
 * namespace exists is checked at request time. Bad input is a ConfigError naming the cluster and the field.
 */
export async function loadKubeCatalog(section: unknown, defaults: { maxTtlSeconds: number }, where = 'the config'): Promise<{ entries: CatalogEntry[]; settings: KubeSettings }> {
  if (section === undefined) return { entries: [], settings: {} };
  const validate = await compile(kubeSectionSchema);
  assertValid(validate, section, where, (parts) => {
    const index = parts[1] === undefined ? undefined : Number(parts[1]);
    const name = index === undefined ? undefined : (section as { clusters?: { name?: unknown }[] }).clusters?.[index]?.name;
    return { entry: index === undefined ? undefined : `kubernetes.clusters[${index}]${typeof name === 'string' ? ` (${name})` : ''}`, field: fieldPath(parts.slice(index === undefined ? 0 : 2)) };
  });
  const clusters = (section as { clusters: ClusterFile[] }).clusters;
  const settings: KubeSettings = {};
  const entries: CatalogEntry[] = [];
  for (const [index, file] of clusters.entries()) {
    const label = `${where}: kubernetes.clusters[${index}] (${file.name})`;
    if (settings[file.name]) throw new ConfigError(`${label}: another cluster is already named ${file.name}; cluster names must be unique.`);
    const cluster = toSettings(file, label);
    settings[file.name] = cluster;
    const maxTtlSeconds = file.max_ttl ? parseDuration(file.max_ttl, `kubernetes.clusters[${index}].max_ttl`) : defaults.maxTtlSeconds;
    entries.push(clusterEntry(cluster, file, maxTtlSeconds));
  }
  return { entries, settings };
}

function toSettings(file: ClusterFile, label: string): KubeClusterSettings {
  const subjects = file.subjects ?? {};
  const pattern = subjects.name ?? '{email}';
  if (!/\{(email|local)\}/.test(pattern)) throw new ConfigError(`${label}, field subjects.name: "${pattern}" must contain {email} or {local} so each person maps to their own subject.`);
  return {
    name: file.name,
    connection: 'in_cluster' in file.connection ? { inCluster: true } : { kubeconfigEnv: file.connection.kubeconfig_env, ...(file.connection.context ? { context: file.connection.context } : {}) },
    roles: file.roles,
    clusterWide: file.cluster_wide ?? false,
    allow: file.namespaces?.allow ?? ['*'],
    deny: file.namespaces?.deny ?? [],
    subject: { kind: subjects.kind ?? 'User', pattern, overrides: lowerKeys(subjects.overrides ?? {}), allowedDomains: subjects.allowed_domains ?? [] },
    namespaceApprovers: file.namespace_approvers ?? {},
    annotationAllowlist: file.annotation_allowlist ?? [],
  };
}

function clusterEntry(cluster: KubeClusterSettings, file: ClusterFile, maxTtlSeconds: number): CatalogEntry {
  // Tool names use `_` for `-`, as the AWS entries do; two clusters that slug alike clash in the catalog check.
  const slug = cluster.name.replace(/-/g, '_');
  const name = `k8s_request_${slug}`;
  const wide = cluster.clusterWide ? ' or ["*"] for the whole cluster' : '';
  return {
    name,
    description: file.description ?? `Kubernetes cluster ${cluster.name}: a ClusterRole (${cluster.roles.join(', ')}) bound in namespaces you name`,
    provider: 'kubernetes',
    settings: { cluster: cluster.name },
    maxTtlSeconds,
    defaultTtlSeconds: Math.min(3600, maxTtlSeconds),
    ...(file.approver_groups?.length ? { approverGroups: file.approver_groups } : {}),
    ...(file.requester_groups?.length ? { requesterGroups: file.requester_groups } : {}),
    ...(file.approvals?.required ? { approvalsRequired: file.approvals.required } : {}),
    ...(file.approvals?.each_group ? { approvalsEachGroup: true } : {}),
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['namespaces', 'role'],
      properties: {
        namespaces: {
          type: 'array',
          minItems: 1,
          maxItems: MAX_NAMESPACES,
          uniqueItems: true,
          items: { type: 'string' },
          'x-kubiya-arg': 'array',
          description: `The namespaces to get the role in, for example ["payments", "checkout"]${wide}.`,
        },
        role: { type: 'string', enum: cluster.roles as Json[], description: `The ClusterRole to get: one of ${cluster.roles.join(', ')}.` },
      },
    },
    validateParams: (params) => checkParams(cluster, name, params),
    dedicatedTool: { revokeTool: `k8s_revoke_${slug}` },
  };
}

/** Every problem with a request's `namespaces` and `role`, each naming the value and what to do. */
export function checkParams(cluster: KubeClusterSettings, entry: string, params: Record<string, Json>): ParamIssue[] {
  const issues: ParamIssue[] = [];
  for (const key of Object.keys(params)) {
    if (key !== 'namespaces' && key !== 'role') issues.push({ path: `/${key}`, message: `${entry} takes only namespaces and role; remove "${key.slice(0, 40)}".` });
  }
  const role = params.role;
  if (typeof role !== 'string' || role === '') issues.push({ path: '/role', message: `role is required: one of ${cluster.roles.join(', ')}.` });
  else if (!cluster.roles.includes(role)) issues.push({ path: '/role', message: `role "${role.slice(0, 60)}" may not be granted in cluster ${cluster.name}; choose one of ${cluster.roles.join(', ')}.` });
  const namespaces = params.namespaces;
  if (!Array.isArray(namespaces) || namespaces.length === 0) {
    issues.push({ path: '/namespaces', message: 'namespaces must be a non-empty list of namespace names, for example ["payments"].' });
    return issues;
  }
  if (namespaces.length > MAX_NAMESPACES) issues.push({ path: '/namespaces', message: `at most ${MAX_NAMESPACES} namespaces per request; split it.` });
  const seen = new Set<string>();
  namespaces.forEach((value, index) => {
    if (typeof value !== 'string') return void issues.push({ path: `/namespaces/${index}`, message: 'each namespace must be a name (text).' });
    if (seen.has(value)) return void issues.push({ path: `/namespaces/${index}`, message: `namespace ${value.slice(0, 63)} is listed twice; list it once.` });
    seen.add(value);
    const refusal = namespaceRefusal(cluster, value);
    if (refusal) issues.push({ path: `/namespaces/${index}`, message: `${refusal}.` });
  });
  if (seen.has('*') && seen.size > 1) issues.push({ path: '/namespaces', message: '"*" (the whole cluster) cannot be combined with named namespaces.' });
  return issues;
}

function lowerKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key.trim().toLowerCase(), value]));
}

