/**
 * The RBAC authorizer of the Kubernetes API stand-in: decides a request from the ClusterRoles,
 * ClusterRoleBindings and RoleBindings the stand-in holds, as the real RBAC authorizer does — a rule allows
 * when its verbs, API groups, resources (and resourceNames, when listed) match; bindings in the request's
 * namespace and cluster bindings both count; `system:masters` may do anything. It also applies RBAC's
 * escalation check on binding writes: the writer must have `bind` on the referenced role, or already hold
 * every permission in it. Aggregated ClusterRoles and non-resource URLs are not modelled.
 * Part of the Kubernetes API stand-in (tests and the demo only).
 */
import type { KubeObject, KubeState, PolicyRule } from './kube-state.js';

/** Who a bearer token authenticates as. */
export interface KubeUser {
  name: string;
  groups: string[];
}

/** What a request asks to do, as the authorizer sees it. */
export interface Attributes {
  verb: string;
  apiGroup: string;
  resource: string;
  namespace?: string;
  name?: string;
}

const RBAC = 'rbac.authorization.k8s.io';

/** Whether `user` may do what `attrs` says, by the RBAC objects in `state`. */
export function authorize(state: KubeState, user: KubeUser, attrs: Attributes): boolean {
  if (user.groups.includes('system:masters')) return true;
  return rulesFor(state, user, attrs.namespace).some((rule) => ruleAllows(rule, attrs));
}

/**
 * Whether `user` may write a binding to `roleRef` in `namespace` (cluster-wide when undefined): `bind` on the
 * role by name, or every permission the role holds already held by the user there.
 */
export function mayBind(state: KubeState, user: KubeUser, roleRef: { kind?: string; name?: string }, namespace: string | undefined): boolean {
  if (user.groups.includes('system:masters')) return true;
  const name = roleRef.name ?? '';
  if (authorize(state, user, { verb: 'bind', apiGroup: RBAC, resource: roleRef.kind === 'Role' ? 'roles' : 'clusterroles', namespace, name })) return true;
  const role = roleRef.kind === 'ClusterRole' ? state.get('clusterroles', name) : undefined;
  if (!role) return false;
  return rulesOf(role).every((rule) => expand(rule).every((attrs) => authorize(state, user, { ...attrs, ...(namespace ? { namespace } : {}) })));
}

/** The rules that apply to `user` in `namespace`: from cluster bindings, and from role bindings there. */
function rulesFor(state: KubeState, user: KubeUser, namespace: string | undefined): PolicyRule[] {
  const bindings = [...state.list('clusterrolebindings'), ...(namespace ? state.list('rolebindings', namespace) : [])];
  const rules: PolicyRule[] = [];
  for (const binding of bindings) {
    if (!subjectsOf(binding).some((subject) => names(subject, user))) continue;
    const ref = binding.roleRef as { kind?: string; name?: string } | undefined;
    const role = ref?.kind === 'ClusterRole' && ref.name ? state.get('clusterroles', ref.name) : undefined;
    if (role) rules.push(...rulesOf(role));
  }
  return rules;
}

function ruleAllows(rule: PolicyRule, attrs: Attributes): boolean {
  if (!matches(rule.verbs, attrs.verb)) return false;
  if (!matches(rule.apiGroups ?? [], attrs.apiGroup)) return false;
  if (!matches(rule.resources ?? [], attrs.resource)) return false;
  // A rule naming resources never allows a request without a name (create, list): as in Kubernetes.
  if (rule.resourceNames && rule.resourceNames.length > 0) return attrs.name !== undefined && rule.resourceNames.includes(attrs.name);
  return true;
}

function matches(allowed: string[], value: string): boolean {
  return allowed.includes('*') || allowed.includes(value);
}

/** Every concrete (verb, group, resource, name) a rule grants, with `*` kept as a value only `*` covers. */
function expand(rule: PolicyRule): Attributes[] {
  const out: Attributes[] = [];
  const names = rule.resourceNames && rule.resourceNames.length > 0 ? rule.resourceNames : [undefined];
  for (const verb of rule.verbs) {
    for (const apiGroup of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        for (const name of names) out.push({ verb, apiGroup, resource, ...(name ? { name } : {}) });
      }
    }
  }
  return out;
}

function rulesOf(role: KubeObject): PolicyRule[] {
  return Array.isArray(role.rules) ? (role.rules as PolicyRule[]) : [];
}

function subjectsOf(binding: KubeObject): { kind?: string; name?: string; namespace?: string }[] {
  return Array.isArray(binding.subjects) ? (binding.subjects as { kind?: string; name?: string; namespace?: string }[]) : [];
}

function names(subject: { kind?: string; name?: string; namespace?: string }, user: KubeUser): boolean {
  if (subject.kind === 'User') return subject.name === user.name;
  if (subject.kind === 'Group') return subject.name !== undefined && user.groups.includes(subject.name);
  if (subject.kind === 'ServiceAccount') return user.name === `system:serviceaccount:${subject.namespace ?? ''}:${subject.name ?? ''}`;
  return false;
}
