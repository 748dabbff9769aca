import { isJitError, UpstreamError, ValidationError, type JitError } from '../../core/errors.js';
import { KubeApiError } from './kube-client.js';

/** Where a failed call was aimed, to name it in the error. */
export interface CallSite {
  cluster: string;
  /** `create the RoleBinding`, `read the namespace`, … */
  action: string;
  namespace?: string;
}

/**
 * Turns an API server's refusal into an error a person can act on, naming the cluster and namespace; the
 * Status message itself goes to the operator log only (it can name other objects).
 */
export function explainKubeError(err: unknown, site: CallSite): JitError {
  if (isJitError(err)) return err;
  const where = site.namespace ? `namespace ${site.namespace} of cluster ${site.cluster}` : `cluster ${site.cluster}`;
  if (!(err instanceof KubeApiError)) return new UpstreamError('kubernetes.failed', `Could not ${site.action} in ${where}.`, { cause: err });
  if (err.status === 401) {
    return new UpstreamError('kubernetes.unauthorized', `Cluster ${site.cluster} refused the runner's credentials; renew the service account token or kubeconfig the config names.`, { cause: err });
  }
  if (err.status === 403 && /being terminated/.test(err.message)) {
    return new ValidationError('kubernetes.namespace_terminating', `Namespace ${site.namespace ?? '?'} of cluster ${site.cluster} is being deleted; nothing can be granted in it.`, { namespace: site.namespace });
  }
  if (err.status === 403) {
    return new UpstreamError(
      'kubernetes.forbidden',
      `The runner is not allowed to ${site.action} in ${where}. Apply the runner's ClusterRole from configs/kubernetes/ (kubiya-jit k8s-runner-rbac prints it for this config), which lets it bind exactly the configured roles.`,
      { cause: err, detail: { cluster: site.cluster, namespace: site.namespace } },
    );
  }
  if (err.status === 404 && site.namespace) {
    return new ValidationError('kubernetes.namespace_not_found', `Namespace ${site.namespace} does not exist in cluster ${site.cluster}; check the name with the cluster's owners.`, { namespace: site.namespace });
  }
  return new UpstreamError('kubernetes.api_error', `Cluster ${site.cluster} refused to ${site.action} in ${where} (${err.status} ${err.reason}).`, { cause: err });
}
