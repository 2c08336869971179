// Helm values of one OpenTelemetry Collector tier (opentelemetry-collector chart, mode deployment).
// The collector config goes in `alternateConfig`, which replaces the chart's default config instead of
// being merged over it (no stray jaeger/zipkin/prometheus receivers, no `null` tricks), so the config
// that runs is exactly the one rendered to otel/collector.yaml.
import type { StackConfig } from "../../config";
import { memoryBudget, OTEL_COLLECTOR_CHART, TRACING_PORT_NAMES, TRACING_PORTS, type CollectorTier } from "../collector-config";

/** Read access k8s_attributes needs to resolve a span's pod, namespace and deployment. */
export const K8S_ATTRIBUTES_RULES = [
  { apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "watch", "list"] },
  { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "watch", "list"] },
];

export function otelCollectorValues(c: StackConfig, tier: CollectorTier) {
  const budget = memoryBudget(c);
  const port = (containerPort: number, enabled = true, appProtocol?: string) => ({
    enabled,
    containerPort,
    servicePort: containerPort,
    protocol: "TCP",
    ...(appProtocol ? { appProtocol } : {}),
  });
  const disabled = { enabled: false };
  return {
    mode: "deployment",
    fullnameOverride: tier.release,
    // No tag: the chart runs its appVersion, so the collector image moves with the chart pin.
    image: { repository: OTEL_COLLECTOR_CHART.image },
    command: { name: OTEL_COLLECTOR_CHART.command },
    replicaCount: tier.replicas,
    resources: c.tracing.collector.resources,
    // GOMEMLIMIT is set here, consistent with the memory_limiter (see memoryBudget), instead of the
    // chart's fixed 80 % of the container limit.
    useGOMEMLIMIT: false,
    extraEnvs: [{ name: "GOMEMLIMIT", value: `${budget.goMemLimitMib}MiB` }],
    podLabels: { "app.kubernetes.io/part-of": "coditect-monitoring", "coditect.ai/otel-tier": tier.role },
    // Presets would rewrite the config; RBAC for k8s_attributes is granted explicitly instead.
    presets: { kubernetesAttributes: { enabled: false } },
    clusterRole: tier.k8sAttributes ? { create: true, rules: K8S_ATTRIBUTES_RULES } : { create: false },
    alternateConfig: tier.config,
    ports: {
      otlp: port(TRACING_PORTS.otlpGrpc, true, "grpc"),
      "otlp-http": port(TRACING_PORTS.otlpHttp, tier.entry),
      "jaeger-compact": disabled,
      "jaeger-thrift": disabled,
      "jaeger-grpc": disabled,
      zipkin: disabled,
      [TRACING_PORT_NAMES.metrics]: port(TRACING_PORTS.metrics),
      ...(tier.spanMetrics ? { [TRACING_PORT_NAMES.spanMetrics]: port(TRACING_PORTS.spanMetrics) } : {}),
    },
    // ClusterIP only; the sampler tier's Service is headless so the load_balancing DNS resolver
    // gets one A record per sampler pod.
    service: { type: "ClusterIP", ...(tier.headless ? { clusterIP: "None" } : {}) },
    ingress: { enabled: false },
    // The chart's ServiceMonitor, in the release (tracing) namespace; kube-prometheus-stack selects
    // ServiceMonitors of every namespace whatever their labels.
    serviceMonitor: {
      enabled: true,
      metricsEndpoints: [
        { port: TRACING_PORT_NAMES.metrics, interval: "30s" },
        ...(tier.spanMetrics ? [{ port: TRACING_PORT_NAMES.spanMetrics, interval: c.prometheus.scrapeInterval }] : []),
      ],
    },
    ...(tier.replicas > 1 ? { podDisruptionBudget: { enabled: true, minAvailable: 1 } } : {}),
  };
}
