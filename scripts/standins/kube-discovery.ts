/**
 * The discovery documents of the Kubernetes API stand-in (`/version`, `/api`, `/api/v1`, `/apis`, a group,
 * a group version), in the legacy (unaggregated) form: enough for kubectl to map `rolebindings`, `ns` and the
 * rest to their paths. Part of the Kubernetes API stand-in (tests and the demo only).
 */

const RBAC = 'rbac.authorization.k8s.io';
const AUTHZ = 'authorization.k8s.io';
const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The discovery document at `path`, or undefined when it is not a discovery path. */
export function discovery(path: string, serverAddress: string): Record<string, unknown> | undefined {
  switch (path.replace(/\/+$/, '')) {
    case '/version':
      return { major: '1', minor: '32', gitVersion: 'v1.32.0-kubiya-jit-standin', platform: 'linux/amd64' };
    case '/api':
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
    case '/api/v1':
      return resourceList('v1', [{ name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'] }]);
    case '/apis':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: [group(RBAC), group(AUTHZ)] };
    case `/apis/${RBAC}`:
      return { kind: 'APIGroup', apiVersion: 'v1', ...group(RBAC) };
    case `/apis/${AUTHZ}`:
      return { kind: 'APIGroup', apiVersion: 'v1', ...group(AUTHZ) };
    case `/apis/${RBAC}/v1`:
      return resourceList(`${RBAC}/v1`, [
        { name: 'clusterrolebindings', singularName: 'clusterrolebinding', namespaced: false, kind: 'ClusterRoleBinding', verbs: READ_WRITE },
        { name: 'clusterroles', singularName: 'clusterrole', namespaced: false, kind: 'ClusterRole', verbs: READ_WRITE },
        { name: 'rolebindings', singularName: 'rolebinding', namespaced: true, kind: 'RoleBinding', verbs: READ_WRITE },
      ]);
    case `/apis/${AUTHZ}/v1`:
      return resourceList(`${AUTHZ}/v1`, [
        { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] },
      ]);
    default:
      return undefined;
  }
}

function group(name: string): Record<string, unknown> {
  const version = { groupVersion: `${name}/v1`, version: 'v1' };
  return { name, versions: [version], preferredVersion: version };
}

function resourceList(groupVersion: string, resources: Record<string, unknown>[]): Record<string, unknown> {
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}
