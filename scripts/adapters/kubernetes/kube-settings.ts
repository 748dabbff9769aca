/** How one configured cluster is reached and what may be granted in it (the `kubernetes.clusters[]` entry, parsed). */
export interface KubeClusterSettings {
  name: string;
  /** In-cluster service account, or a kubeconfig file whose path is in an environment variable. */
  connection: { inCluster: true } | { kubeconfigEnv: string; context?: string };
  /** ClusterRoles that may be granted. */
  roles: string[];
  /** Whether a request may ask for the whole cluster (`namespaces: ["*"]`, a ClusterRoleBinding). */
  clusterWide: boolean;
  /** Namespace patterns (`*` wildcard); a namespace must match an allow and no deny. */
  allow: string[];
  deny: string[];
  /** Who the binding names: a User or a Group, from the requester's email by a pattern (`oidc:{email}`). */
  subject: { kind: 'User' | 'Group'; pattern: string; overrides: Record<string, string>; allowedDomains: string[] };
  /** Approver groups per namespace pattern, from the config (these win over the namespace's annotation). */
  namespaceApprovers: Record<string, string[]>;
  /** The only groups a namespace's `kubiya-jit.io/approver-groups` annotation may route to. */
  annotationAllowlist: string[];
}

/** Every configured cluster, by name. */
export type KubeSettings = Record<string, KubeClusterSettings>;

/** Namespaces Kubernetes itself runs in: granted only when listed by exact name in `allow`, never by a wildcard. */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/** The namespace value that asks for a cluster-wide grant. */
export const CLUSTER_WIDE = '*';
