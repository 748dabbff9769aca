import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../../scripts/config/load-config.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered Kubernetes objects are untyped YAML

const DEPLOY = resolve(import.meta.dirname, '..', '..', '..', 'deploy');
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });

/** What `kubectl kustomize deploy/` renders, parsed. */
function render(): Obj[] {
  const run = spawnSync('kubectl', ['kustomize', DEPLOY], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`kubectl kustomize failed: ${run.stderr}`);
  return parseAllDocuments(run.stdout).map((doc) => doc.toJS() as Obj);
}

/** The restricted Pod Security Standard's rules (v1.32), as they apply to a pod spec; one line per breach. */
function restrictedViolations(pod: Obj): string[] {
  const problems: string[] = [];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push('host namespaces');
  for (const volume of pod.volumes ?? []) {
    const kind = Object.keys(volume).find((k) => k !== 'name')!;
    if (!['configMap', 'emptyDir', 'secret', 'projected', 'downwardAPI', 'persistentVolumeClaim', 'ephemeral', 'csi'].includes(kind)) problems.push(`volume ${volume.name}: ${kind}`);
  }
  const podContext = pod.securityContext ?? {};
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    const context = container.securityContext ?? {};
    const name = container.name;
    if (context.privileged) problems.push(`${name}: privileged`);
    if (context.allowPrivilegeEscalation !== false) problems.push(`${name}: allowPrivilegeEscalation must be false`);
    if (!(context.runAsNonRoot ?? podContext.runAsNonRoot)) problems.push(`${name}: runAsNonRoot`);
    if ((context.runAsUser ?? podContext.runAsUser) === 0) problems.push(`${name}: runs as root`);
    const drop: string[] = context.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) problems.push(`${name}: capabilities must drop ALL`);
    if ((context.capabilities?.add ?? []).some((c: string) => c !== 'NET_BIND_SERVICE')) problems.push(`${name}: adds capabilities`);
    const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${name}: seccompProfile`);
    if ((container.ports ?? []).some((p: Obj) => p.hostPort)) problems.push(`${name}: hostPort`);
  }
  return problems;
}

describe.skipIf(kubectl.status !== 0)('the Kubernetes manifests in deploy/ (kubectl kustomize)', () => {
  // Rendered while collecting; an empty list where kubectl is missing (the suite is skipped then).
  const objects = kubectl.status === 0 ? render() : [];
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const deployment = byKind('Deployment')[0] ?? { spec: { template: { spec: { containers: [] } } } };
  const pod = deployment.spec.template.spec;
  const worker = pod.containers.find((c: Obj) => c.name === 'worker');

  it('renders the worker Deployment, its ServiceAccount, config, metrics Service and disruption budget', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.serviceAccountName).toBe(byKind('ServiceAccount')[0]!.metadata.name);
    expect(byKind('ServiceAccount')[0]!.automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    // Selectors match the pods they are meant for.
    const labels = deployment.spec.template.metadata.labels;
    for (const selector of [deployment.spec.selector.matchLabels, byKind('Service')[0]!.spec.selector, byKind('PodDisruptionBudget')[0]!.spec.selector.matchLabels]) {
      for (const [key, value] of Object.entries(selector)) expect(labels[key]).toBe(value);
    }
    expect(byKind('PodDisruptionBudget')[0]!.spec.minAvailable).toBe(1);
  });

  it('meets the restricted Pod Security Standard', () => {
    expect(restrictedViolations(pod)).toEqual([]);
    for (const container of [...pod.initContainers, ...pod.containers]) expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it('runs the worker as a service: metrics port, probes on it, resources, graceful termination', () => {
    expect(worker.command).toEqual(['kubiya-jit']);
    const portArg = worker.args[worker.args.indexOf('--metrics-port') + 1];
    expect(worker.args[0]).toBe('worker');
    const port = worker.ports.find((p: Obj) => p.name === 'metrics');
    expect(String(port.containerPort)).toBe(portArg);
    expect(worker.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(worker.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(byKind('Service')[0]!.spec.ports[0].targetPort).toBe('metrics');
    for (const container of [...pod.initContainers, ...pod.containers]) {
      expect(container.resources.requests.cpu).toBeDefined();
      expect(container.resources.requests.memory).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();
      expect(container.image).toMatch(/^ghcr\.io\/kubiya-jit\/kubiya-jit:\d+\.\d+\.\d+$/);
    }
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
    // The migrations are applied before the worker starts (the worker itself only checks them).
    expect(pod.initContainers.map((c: Obj) => c.args)).toEqual([['migrate']]);
  });

  it('takes every secret from a Secret reference, never from a literal', () => {
    const env = (c: Obj) => Object.fromEntries((c.env ?? []).map((e: Obj) => [e.name, e]));
    const workerEnv = env(worker);
    for (const name of ['JIT_DATABASE_URL', 'SLACK_API_TOKEN', 'OKTA_API_TOKEN']) {
      expect(workerEnv[name]?.valueFrom?.secretKeyRef?.name, name).toBe('kubiya-jit');
      expect(workerEnv[name]?.value).toBeUndefined();
    }
    expect(env(pod.initContainers[0]).JIT_DATABASE_URL.valueFrom.secretKeyRef.name).toBe('kubiya-jit');
    const literals = byKind('ConfigMap').flatMap((m) => Object.keys(m.data ?? {}));
    expect(literals.some((key) => /TOKEN|PASSWORD|DATABASE_URL|SECRET/.test(key))).toBe(false);
  });

  it('ships a config that validates, names the PostgreSQL store with verified TLS, and is mounted where JIT_CONFIG points', async () => {
    const envMap = byKind('ConfigMap').find((m) => m.data?.JIT_CONFIG)!;
    expect(envMap.data.JIT_LOG).toBe('stdout');
    const configMap = byKind('ConfigMap').find((m) => m.data?.['jit.yaml'])!;
    const mount = worker.volumeMounts.find((m: Obj) => pod.volumes.find((v: Obj) => v.name === m.name)?.configMap?.name === configMap.metadata.name);
    expect(`${mount.mountPath}/jit.yaml`).toBe(envMap.data.JIT_CONFIG);
    expect(worker.envFrom.map((e: Obj) => e.configMapRef.name)).toContain(envMap.metadata.name);
    const dir = mkdtempSync(join(tmpdir(), 'jit-deploy-'));
    try {
      writeFileSync(join(dir, 'jit.yaml'), configMap.data['jit.yaml']);
      const loaded = await loadConfig({ JIT_CONFIG: join(dir, 'jit.yaml') });
      expect(loaded.file.store).toMatchObject({ type: 'postgres', tls: { mode: 'verify-full' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
