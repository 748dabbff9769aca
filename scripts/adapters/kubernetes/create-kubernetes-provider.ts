import type { AccessProvider, Logger } from '../../core/ports.js';
import { connectCluster } from './kube-client.js';
import { KubernetesProvider } from './kubernetes-provider.js';
import type { KubeSettings } from './kube-settings.js';

/**
 * Builds the `kubernetes` provider for the configured clusters; `@kubernetes/client-node` is imported only
 * when a cluster is first contacted, and each cluster's kubeconfig is read from the variable the config names.
 */
export function createKubernetesProvider(clusters: KubeSettings, env: NodeJS.ProcessEnv, log: Logger): AccessProvider {
  return new KubernetesProvider(clusters, (cluster) => connectCluster(cluster, env), log);
}
