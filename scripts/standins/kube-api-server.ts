/**
 * A STAND-IN for the Kubernetes API server, for tests and the demo only (nothing at run time imports it):
 * the RBAC and namespace parts of the REST API over HTTPS with a throwaway CA, faithfully enough for the real
 * `@kubernetes/client-node` and for `kubectl` to use it as a cluster. It serves discovery, `namespaces`,
 * `clusterroles`, `clusterrolebindings` and `rolebindings` (get, list with label and field selectors and
 * paging, create, update with resourceVersion checks, delete with preconditions), SelfSubjectAccessReviews
 * (`kubectl auth can-i`), `Status` errors (400, 401, 403, 404, 409, 422), bearer-token authentication and
 * RBAC authorization from the objects it holds (including the escalation check on binding writes), and the
 * namespace lifecycle (no new content in a namespace being deleted). Faults are injected with `failNext`.
 */
import { createTlsAuthority, type TlsAuthority } from './tls-authority.js';
import { authorize, mayBind, type Attributes, type KubeUser } from './kube-authorizer.js';
import { discovery } from './kube-discovery.js';
import { SelectorError } from './kube-label-selector.js';
import { listReply, nameProblem, tableReply } from './kube-objects.js';
import { KubeState, RESOURCES, type KubeObject, type KubeResource } from './kube-state.js';
import { alreadyExists, conflict, forbidden, invalid, notFound, statusFailure, statusSuccess, unauthorized, type StatusReply } from './kube-status.js';
import { startStandin, type Reply, type StandinRequest, type StandinServer } from './standin-http.js';

/** A running stand-in: its URL, CA, tokens, state, and the request log of the shared skeleton. */
export interface KubeApiServer extends StandinServer {
  readonly state: KubeState;
  readonly tls: TlsAuthority;
  /** A token of `system:masters` (kubectl and the tests' own setup). */
  readonly adminToken: string;
  /** Adds a bearer token for a user (the runner's service account, a person). */
  addToken(token: string, user: KubeUser): void;
  /** Calls `hook` before each request is handled (after faults), so a test can change the cluster mid-run. */
  onRequest(hook: (method: string, path: string) => void): void;
  /** A kubeconfig (YAML) pointing at the stand-in with `token`, its CA embedded, context `context`. */
  kubeconfig(token: string, context?: string): string;
}

const RBAC = 'rbac.authorization.k8s.io';
const CORE = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/;
const RBAC_CLUSTER = /^\/apis\/rbac\.authorization\.k8s\.io\/v1\/(clusterroles|clusterrolebindings|rolebindings)(?:\/([^/]+))?$/;
const RBAC_NAMESPACED = /^\/apis\/rbac\.authorization\.k8s\.io\/v1\/namespaces\/([^/]+)\/rolebindings(?:\/([^/]+))?$/;
const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

/** Where a REST path points: a resource, maybe a namespace, maybe one object. */
interface Target {
  resource: KubeResource;
  namespace?: string;
  name?: string;
}

/** Starts the stand-in on 127.0.0.1 at a free port, over HTTPS with a new throwaway CA. */
export async function startKubeApiServer(options: { tls?: TlsAuthority } = {}): Promise<KubeApiServer> {
  const tls = options.tls ?? (await createTlsAuthority());
  const state = new KubeState();
  const tokens = new Map<string, KubeUser>();
  const adminToken = `admin-${Math.random().toString(36).slice(2)}`;
  tokens.set(adminToken, { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  const hooks: ((method: string, path: string) => void)[] = [];

  const handle = (request: StandinRequest): Reply => {
    for (const hook of hooks) hook(request.method, request.url.pathname);
    const path = request.url.pathname.replace(/\/+$/, '') || '/';
    const user = authenticate(tokens, request.headers.authorization);
    if (!user) return unauthorized();
    if (request.method === 'GET') {
      const doc = discovery(path, `127.0.0.1:${new URL(server.url).port}`);
      if (doc) return { status: 200, body: doc };
    }
    // Only JSON bodies are understood; a real server without a codec answers 415 the same way.
    if (request.body !== '' && /protobuf|cbor/.test(request.headers['content-type'] ?? '')) {
      return statusFailure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json`);
    }
    if (path === SSAR && request.method === 'POST') return accessReview(state, user, request.body);
    const target = parseTarget(path);
    if (!target) return statusFailure(404, 'NotFound', 'the server could not find the requested resource');
    return serveResource(state, user, request, target);
  };

  const server = await startStandin(handle, { tls: { cert: tls.serverCert, key: tls.serverKey }, errorReply: (status, message) => statusFailure(status, 'InternalError', message) });
  return Object.assign(server, {
    state,
    tls,
    adminToken,
    addToken: (token: string, user: KubeUser) => void tokens.set(token, user),
    onRequest: (hook: (method: string, path: string) => void) => void hooks.push(hook),
    kubeconfig: (token: string, context = 'standin') => kubeconfigYaml(server.url, tls.caCert, token, context),
  });
}

function authenticate(tokens: Map<string, KubeUser>, header: string | undefined): KubeUser | undefined {
  const match = /^Bearer\s+(\S+)$/.exec(header ?? '');
  return match ? tokens.get(match[1]!) : undefined;
}

function parseTarget(path: string): Target | undefined {
  const core = CORE.exec(path);
  if (core) return { resource: 'namespaces', ...(core[1] ? { name: decodeURIComponent(core[1]) } : {}) };
  const namespaced = RBAC_NAMESPACED.exec(path);
  if (namespaced) return { resource: 'rolebindings', namespace: decodeURIComponent(namespaced[1]!), ...(namespaced[2] ? { name: decodeURIComponent(namespaced[2]) } : {}) };
  const cluster = RBAC_CLUSTER.exec(path);
  if (cluster) {
    // rolebindings at the cluster path is the list across all namespaces; one object needs its namespace.
    if (cluster[1] === 'rolebindings' && cluster[2]) return undefined;
    return { resource: cluster[1] as KubeResource, ...(cluster[2] ? { name: decodeURIComponent(cluster[2]) } : {}) };
  }
  return undefined;
}

function verbOf(method: string, target: Target): string | undefined {
  switch (method) {
    case 'GET':
      return target.name ? 'get' : 'list';
    case 'POST':
      return target.name ? undefined : 'create';
    case 'PUT':
      return target.name ? 'update' : undefined;
    case 'DELETE':
      return target.name ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

function serveResource(state: KubeState, user: KubeUser, request: StandinRequest, target: Target): Reply {
  const info = RESOURCES[target.resource];
  const verb = verbOf(request.method, target);
  if (!verb || verb === 'deletecollection') return statusFailure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  const attrs: Attributes = { verb, apiGroup: info.group, resource: target.resource, ...(target.namespace ? { namespace: target.namespace } : {}), ...(target.name ? { name: target.name } : {}) };
  if (!authorize(state, user, attrs)) return denied(user, attrs);
  switch (verb) {
    case 'list':
      return list(state, request, target);
    case 'get': {
      const found = state.get(target.resource, target.name!, target.namespace);
      return found ? { status: 200, body: found } : notFound(target.resource, info.group, target.name!);
    }
    case 'create':
      return create(state, user, request, target);
    case 'update':
      return update(state, user, request, target);
    default:
      return remove(state, request, target);
  }
}

function list(state: KubeState, request: StandinRequest, target: Target): Reply {
  const items = state.list(target.resource, target.namespace);
  try {
    if ((request.headers.accept ?? '').includes('as=Table')) {
      const filtered = listReply(target.resource, items, request.url.searchParams, state.resourceVersion).items as KubeObject[];
      return { status: 200, body: tableReply(target.resource, filtered, state.resourceVersion) };
    }
    return { status: 200, body: listReply(target.resource, items, request.url.searchParams, state.resourceVersion) };
  } catch (err) {
    if (err instanceof SelectorError) return statusFailure(400, 'BadRequest', err.message);
    throw err;
  }
}

function create(state: KubeState, user: KubeUser, request: StandinRequest, target: Target): Reply {
  const info = RESOURCES[target.resource];
  const body = parseBody(request.body);
  if (!body) return statusFailure(400, 'BadRequest', 'the body of the request was in an unknown format');
  const name = body.metadata?.name;
  const problem = nameProblem(target.resource, name);
  if (problem) return invalid(info.kind, info.group, String(name ?? ''), 'metadata.name', problem);
  if (target.namespace) {
    if (body.metadata?.namespace !== undefined && body.metadata.namespace !== target.namespace) {
      return statusFailure(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    const namespace = state.get('namespaces', target.namespace);
    if (!namespace) return notFound('namespaces', '', target.namespace);
    if (namespace.metadata.deletionTimestamp) {
      return forbidden(`${target.resource}.${info.group} "${String(name)}" is forbidden: unable to create new content in namespace ${target.namespace} because it is being terminated`, target.resource, info.group, String(name));
    }
  }
  const rejected = checkBinding(state, user, target, body, String(name));
  if (rejected) return rejected;
  if (state.get(target.resource, String(name), target.namespace)) return alreadyExists(target.resource, info.group, String(name));
  const { apiVersion: _a, kind: _k, ...fields } = body;
  const stored = state.create(target.resource, { ...fields, metadata: { ...pickMeta(body.metadata), name: String(name), ...(target.namespace ? { namespace: target.namespace } : {}) } });
  return { status: 201, body: stored };
}

function update(state: KubeState, user: KubeUser, request: StandinRequest, target: Target): Reply {
  const info = RESOURCES[target.resource];
  const body = parseBody(request.body);
  if (!body) return statusFailure(400, 'BadRequest', 'the body of the request was in an unknown format');
  if (body.metadata?.name !== target.name) return statusFailure(400, 'BadRequest', 'the name of the object does not match the name on the URL');
  const old = state.get(target.resource, target.name!, target.namespace);
  if (!old) return notFound(target.resource, info.group, target.name!);
  const version = body.metadata?.resourceVersion;
  if (version !== undefined && version !== old.metadata.resourceVersion) {
    return conflict(target.resource, info.group, target.name!, 'the object has been modified; please apply your changes to the latest version and try again');
  }
  if (old.roleRef !== undefined && JSON.stringify(old.roleRef) !== JSON.stringify(body.roleRef)) {
    return invalid(info.kind, info.group, target.name!, 'roleRef', 'Invalid value: cannot change roleRef');
  }
  const rejected = checkBinding(state, user, target, body, target.name!);
  if (rejected) return rejected;
  const { apiVersion: _a, kind: _k, ...fields } = body;
  const stored = state.replace(target.resource, { ...old, ...fields, metadata: { ...old.metadata, ...pickMeta(body.metadata), name: target.name!, ...(target.namespace ? { namespace: target.namespace } : {}) } } as KubeObject);
  return { status: 200, body: stored };
}

function remove(state: KubeState, request: StandinRequest, target: Target): Reply {
  const info = RESOURCES[target.resource];
  const old = state.get(target.resource, target.name!, target.namespace);
  if (!old) return notFound(target.resource, info.group, target.name!);
  const preconditions = (parseBody(request.body) as { preconditions?: { uid?: string; resourceVersion?: string } } | undefined)?.preconditions;
  if (preconditions?.uid && preconditions.uid !== old.metadata.uid) {
    return conflict(target.resource, info.group, target.name!, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${old.metadata.uid}`);
  }
  if (preconditions?.resourceVersion && preconditions.resourceVersion !== old.metadata.resourceVersion) {
    return conflict(target.resource, info.group, target.name!, `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
  }
  state.remove(target.resource, target.name!, target.namespace);
  if (target.resource === 'namespaces') return { status: 200, body: { ...old, status: { phase: 'Terminating' } } };
  return statusSuccess(target.resource, info.group, target.name!, old.metadata.uid);
}

/** Bindings need a roleRef and subjects, and the writer must be allowed to bind the role (no escalation). */
function checkBinding(state: KubeState, user: KubeUser, target: Target, body: Body, name: string): StatusReply | undefined {
  if (target.resource !== 'rolebindings' && target.resource !== 'clusterrolebindings') return undefined;
  const info = RESOURCES[target.resource];
  const ref = body.roleRef as { apiGroup?: string; kind?: string; name?: string } | undefined;
  if (!ref?.name || (ref.kind !== 'ClusterRole' && ref.kind !== 'Role') || ref.apiGroup !== RBAC) {
    return invalid(info.kind, info.group, name, 'roleRef', 'Required value: roleRef must name a ClusterRole or Role of rbac.authorization.k8s.io');
  }
  if (target.resource === 'clusterrolebindings' && ref.kind !== 'ClusterRole') return invalid(info.kind, info.group, name, 'roleRef.kind', 'Unsupported value: "Role"');
  if (!mayBind(state, user, ref, target.namespace)) {
    return forbidden(
      `${target.resource}.${RBAC} "${name}" is forbidden: user "${user.name}" (groups=${JSON.stringify(user.groups)}) is attempting to grant RBAC permissions not currently held, and has no bind permission on ${ref.kind} ${ref.name}`,
      target.resource,
      RBAC,
      name,
    );
  }
  return undefined;
}

function accessReview(state: KubeState, user: KubeUser, text: string): Reply {
  const body = parseBody(text) as { spec?: { resourceAttributes?: { namespace?: string; verb?: string; group?: string; resource?: string; name?: string } } } | undefined;
  const attrs = body?.spec?.resourceAttributes;
  if (!attrs?.verb || !attrs.resource) return statusFailure(400, 'BadRequest', 'spec.resourceAttributes needs a verb and a resource');
  const allowed = authorize(state, user, { verb: attrs.verb, apiGroup: attrs.group ?? '', resource: attrs.resource, ...(attrs.namespace ? { namespace: attrs.namespace } : {}), ...(attrs.name ? { name: attrs.name } : {}) });
  return { status: 201, body: { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: body!.spec, status: { allowed } } };
}

function denied(user: KubeUser, attrs: Attributes): StatusReply {
  const what = `${attrs.resource}${attrs.apiGroup ? `.${attrs.apiGroup}` : ''}${attrs.name ? ` "${attrs.name}"` : ''}`;
  const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  return forbidden(`${what} is forbidden: User "${user.name}" cannot ${attrs.verb} resource "${attrs.resource}" in API group "${attrs.apiGroup}" ${where}`, attrs.resource, attrs.apiGroup, attrs.name);
}

type Body = { metadata?: Record<string, unknown> & { name?: unknown; namespace?: unknown; resourceVersion?: unknown } } & Record<string, unknown>;

function parseBody(text: string): Body | undefined {
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Body) : undefined;
  } catch {
    return undefined;
  }
}

function pickMeta(meta: Body['metadata']): { labels?: Record<string, string>; annotations?: Record<string, string> } {
  const out: { labels?: Record<string, string>; annotations?: Record<string, string> } = {};
  if (meta?.labels && typeof meta.labels === 'object') out.labels = meta.labels as Record<string, string>;
  if (meta?.annotations && typeof meta.annotations === 'object') out.annotations = meta.annotations as Record<string, string>;
  return out;
}

function kubeconfigYaml(url: string, caCert: string, token: string, context: string): string {
  const ca = Buffer.from(caCert).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${context}`,
    '  cluster:',
    `    server: ${url}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${context}-user`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${context}`,
    `    user: ${context}-user`,
    `current-context: ${context}`,
    '',
  ].join('\n');
}
