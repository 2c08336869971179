// The Private Data source Connect agent: the one way Grafana Cloud reaches the cluster-internal
// Prometheus and Jaeger. It dials out to Grafana Cloud's PDC gateway over SSH and relays the data
// sources' requests; nothing in the cluster is exposed. Its flags and Secret keys follow the agent's
// own Kubernetes manifest (grafana/pdc-agent production/kubernetes/pdc-agent-deployment.yaml).
import type { StackConfig } from "../config";
import { TRACING_PORTS } from "./collector-config";

/**
 * Pinned instead of the `latest` tag upstream's manifest uses, to the newest release whose tag the
 * agent's repository holds (grafana/pdc-agent v0.0.63, 2026-07-31); its release config publishes the
 * image as `<version>`, without the v (.goreleaser.yaml at that tag: image_templates `{{ .Version }}`).
 */
export const PDC_AGENT_VERSION = { tag: "v0.0.63", image: "grafana/pdc-agent:0.0.63" } as const;
export const PDC_AGENT_IMAGE = PDC_AGENT_VERSION.image;

export const PDC_AGENT = {
  name: "pdc-agent",
  /** The Secret holding the agent's signing token and the Grafana Cloud ids it connects with. */
  secret: "pdc-agent",
  labels: { "app.kubernetes.io/name": "pdc-agent", "app.kubernetes.io/part-of": "coditect-monitoring" },
} as const;

/** Keys of the agent's Secret, each read into the environment variable of the same meaning. */
export const PDC_SECRET_KEYS = { token: "token", cluster: "cluster", hostedGrafanaId: "hosted-grafana-id" } as const;

type Cloud = NonNullable<StackConfig["grafana"]["cloud"]>;

function cloudOf(c: StackConfig): Cloud {
  if (!c.grafana.cloud) throw new Error("grafana.cloud is not set: no PDC agent to render");
  return c.grafana.cloud;
}

export function pdcAgentDeployment(c: StackConfig) {
  const agent = cloudOf(c).pdcAgent;
  const env = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: PDC_AGENT.secret, key } } });
  return {
    apiVersion: "apps/v1" as const,
    kind: "Deployment" as const,
    metadata: { name: PDC_AGENT.name, namespace: c.namespaces.monitoring, labels: PDC_AGENT.labels },
    spec: {
      replicas: agent.replicas,
      selector: { matchLabels: PDC_AGENT.labels },
      // A new agent connects before an old one leaves: Grafana Cloud keeps a tunnel throughout.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: PDC_AGENT.labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 30000, runAsGroup: 30000, fsGroup: 30000, seccompProfile: { type: "RuntimeDefault" } },
          // Replicas on different nodes, so that losing one node keeps a tunnel open.
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: PDC_AGENT.labels } },
          ],
          containers: [
            {
              name: PDC_AGENT.name,
              image: PDC_AGENT_IMAGE,
              args: ["-cluster", "$(CLUSTER)", "-token", "$(TOKEN)", "-gcloud-hosted-grafana-id", "$(HOSTED_GRAFANA_ID)"],
              env: [env("TOKEN", PDC_SECRET_KEYS.token), env("CLUSTER", PDC_SECRET_KEYS.cluster), env("HOSTED_GRAFANA_ID", PDC_SECRET_KEYS.hostedGrafanaId)],
              resources: agent.resources,
              // Not a read-only root: the agent writes its SSH key pair and known hosts under its home.
              securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: false, capabilities: { drop: ["ALL"] } },
            },
          ],
        },
      },
    },
  };
}

/** With two or more agents, a node drain never takes the last tunnel down. */
export function pdcAgentDisruptionBudget(c: StackConfig) {
  if (cloudOf(c).pdcAgent.replicas < 2) return undefined;
  return {
    apiVersion: "policy/v1" as const,
    kind: "PodDisruptionBudget" as const,
    metadata: { name: PDC_AGENT.name, namespace: c.namespaces.monitoring, labels: PDC_AGENT.labels },
    spec: { minAvailable: 1, selector: { matchLabels: PDC_AGENT.labels } },
  };
}

/** Prometheus' web port, which the PDC agent relays the Prometheus data source to. */
export const PROMETHEUS_PORT = 9090;

/**
 * Egress only where the agent's work is: DNS, Grafana Cloud (the PDC API on 443, the gateway's SSH on
 * 22; a NetworkPolicy cannot name hosts), Prometheus and Jaeger query. No ingress at all.
 */
export function pdcAgentNetworkPolicy(c: StackConfig) {
  const inNamespace = (namespace: string, labels: Record<string, string>) => ({
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
    podSelector: { matchLabels: labels },
  });
  const outsideTheCluster = { ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } };
  return {
    apiVersion: "networking.k8s.io/v1" as const,
    kind: "NetworkPolicy" as const,
    metadata: { name: PDC_AGENT.name, namespace: c.namespaces.monitoring, labels: PDC_AGENT.labels },
    spec: {
      podSelector: { matchLabels: PDC_AGENT.labels },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [
        { ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] },
        { to: [outsideTheCluster], ports: [{ port: 443, protocol: "TCP" }, { port: 22, protocol: "TCP" }] },
        { to: [inNamespace(c.namespaces.monitoring, { "app.kubernetes.io/name": "prometheus" })], ports: [{ port: PROMETHEUS_PORT, protocol: "TCP" }] },
        { to: [inNamespace(c.namespaces.tracing, { "app.kubernetes.io/name": "jaeger" })], ports: [{ port: TRACING_PORTS.jaegerQuery, protocol: "TCP" }] },
      ],
    },
  };
}
