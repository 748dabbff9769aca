/**
 * Object-level rules of the Kubernetes API stand-in: name validation, list responses (selectors, paging
 * with `limit` / `continue`), and the Table form kubectl asks for when it prints. Part of the Kubernetes API
 * stand-in (tests and the demo only).
 */
import { parseLabelSelector } from './kube-label-selector.js';
import { RESOURCES, type KubeObject, type KubeResource } from './kube-state.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `name` is not a valid name for the resource, or undefined when it is. */
export function nameProblem(resource: KubeResource, name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'Required value: name or generateName is required';
  if (resource === 'namespaces') {
    return name.length <= 63 && DNS_LABEL.test(name) ? undefined : `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`;
  }
  // RBAC object names are path segment names: anything but '/', '%', '.' and '..'.
  if (name === '.' || name === '..' || /[/%]/.test(name)) return `Invalid value: "${name}": may not contain '/' or '%'`;
  return name.length <= 253 ? undefined : `Invalid value: "${name}": must be no more than 253 characters`;
}

/** True when `name` is a valid DNS subdomain (what RoleBinding names usually are). */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

/** The list answer for `items`, filtered by the query's selectors and paged by `limit` / `continue`. */
export function listReply(resource: KubeResource, items: KubeObject[], query: URLSearchParams, resourceVersion: string): Record<string, unknown> {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = fieldFilter(query.get('fieldSelector'));
  const matching = items.filter((item) => labels.matches(item.metadata.labels) && fields(item));
  const start = query.get('continue') ? decodeContinue(query.get('continue')!) : 0;
  const limit = Number(query.get('limit') ?? 0);
  const page = limit > 0 ? matching.slice(start, start + limit) : matching.slice(start);
  const next = limit > 0 && start + limit < matching.length ? start + limit : undefined;
  const info = RESOURCES[resource];
  return {
    kind: `${info.kind}List`,
    apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
    metadata: { resourceVersion, ...(next !== undefined ? { continue: encodeContinue(next), remainingItemCount: matching.length - next } : {}) },
    // List items carry no kind or apiVersion on the wire.
    items: page.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest),
  };
}

/** The meta.k8s.io Table kubectl asks for when it prints objects (`Accept: …;as=Table`). */
export function tableReply(resource: KubeResource, items: KubeObject[], resourceVersion: string): Record<string, unknown> {
  const binding = resource === 'rolebindings' || resource === 'clusterrolebindings';
  const columns = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the object', priority: 0 },
    ...(binding ? [{ name: 'Role', type: 'string', format: '', description: 'The role bound', priority: 0 }] : []),
    ...(resource === 'namespaces' ? [{ name: 'Status', type: 'string', format: '', description: 'Phase', priority: 0 }] : []),
    { name: 'Age', type: 'string', format: '', description: 'Time since creation', priority: 0 },
  ];
  const rows = items.map((item) => {
    const ref = item.roleRef as { kind?: string; name?: string } | undefined;
    const phase = (item.status as { phase?: string } | undefined)?.phase ?? 'Active';
    const cells = [item.metadata.name, ...(binding ? [`${ref?.kind ?? ''}/${ref?.name ?? ''}`] : []), ...(resource === 'namespaces' ? [phase] : []), age(item.metadata.creationTimestamp)];
    return { cells, object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata } };
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion }, columnDefinitions: columns, rows };
}

function fieldFilter(text: string | null): (item: KubeObject) => boolean {
  const checks = (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [field, value] = part.split(/!?==?/) as [string, string];
      const negate = part.includes('!=');
      return (item: KubeObject) => {
        const actual = field === 'metadata.name' ? item.metadata.name : field === 'metadata.namespace' ? item.metadata.namespace : undefined;
        return negate ? actual !== value : actual === value;
      };
    });
  return (item) => checks.every((check) => check(item));
}

function encodeContinue(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeContinue(token: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown }).offset;
    return typeof offset === 'number' && offset >= 0 ? offset : 0;
  } catch {
    return 0;
  }
}

function age(created: string): string {
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(created)) / 1000));
  return seconds < 120 ? `${seconds}s` : `${Math.floor(seconds / 60)}m`;
}
