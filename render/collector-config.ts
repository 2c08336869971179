// The OpenTelemetry Collector configuration of each collector tier, as pure functions of the stack
// config. Apps export OTLP to the entry tier ("otel-collector"); it enriches spans, computes span
// metrics from every span (before any sampling) and then either exports to Jaeger (staging: keep
// everything) or hands whole traces to tail sampling. With more than one replica, tail sampling runs in
// a second tier ("otel-sampler") behind a headless Service, and the entry tier routes by trace ID with
// the load_balancing exporter, so that every span of a trace meets the same sampler.
//
// Component names are the lower_snake_case ones (otlp_grpc, k8s_attributes, resource_detection,
// load_balancing, span_metrics), which the pinned collector 0.158 knows: the last of them arrived in 0.153.
import type { StackConfig } from "../config";

export const OTEL_COLLECTOR_CHART = {
  /**
   * The contrib image: the otelcol-k8s image has no `prometheus` exporter ("unknown type: prometheus",
   * opentelemetry-helm-charts#1532), and span metrics are exposed to Prometheus through it.
   */
  image: "otel/opentelemetry-collector-contrib",
  command: "otelcol-contrib",
} as const;

export const JAEGER_CHART = {
  release: "jaeger",
} as const;

export const TRACING_PORTS = {
  otlpGrpc: 4317,
  otlpHttp: 4318,
  health: 13133,
  /** The collector's own telemetry (otelcol_* metrics). */
  metrics: 8888,
  /** Span metrics, through the prometheus exporter. */
  spanMetrics: 8889,
  jaegerQuery: 16686,
} as const;

/** Service port names, shared by the Helm values and the ServiceMonitors. */
export const TRACING_PORT_NAMES = { metrics: "metrics", spanMetrics: "span-metrics", jaegerMetrics: "internal-metrics" } as const;

export type TierRole = "collector" | "sampler";

export interface Pipeline {
  receivers: string[];
  processors: string[];
  exporters: string[];
}

export interface CollectorConfig {
  extensions: Record<string, unknown>;
  receivers: Record<string, unknown>;
  processors: Record<string, unknown>;
  connectors: Record<string, unknown>;
  exporters: Record<string, unknown>;
  service: {
    extensions: string[];
    pipelines: Record<string, Pipeline>;
    telemetry: Record<string, unknown>;
  };
}

export interface CollectorTier {
  role: TierRole;
  /** Helm release name, also the Service name (fullnameOverride). */
  release: string;
  replicas: number;
  /** Whether apps export to this tier (OTLP gRPC and HTTP exposed). */
  entry: boolean;
  /** Whether this tier serves span metrics on TRACING_PORTS.spanMetrics. */
  spanMetrics: boolean;
  /** Whether it runs k8s_attributes (needs RBAC to read pods, namespaces, replicasets). */
  k8sAttributes: boolean;
  /** A headless Service, so the entry tier's load_balancing DNS resolver sees every pod. */
  headless: boolean;
  config: CollectorConfig;
}

export const COLLECTOR_RELEASE = "otel-collector";
export const SAMPLER_RELEASE = "otel-sampler";

/** In-cluster DNS name of a Service of the tracing namespace. */
export function serviceHost(c: StackConfig, service: string): string {
  return `${service}.${c.namespaces.tracing}.svc.cluster.local`;
}

/** The endpoints app deploys export to (OTEL_EXPORTER_OTLP_ENDPOINT format). */
export function otlpEndpoints(c: StackConfig): { grpc: string; http: string } {
  const host = serviceHost(c, COLLECTOR_RELEASE);
  return { grpc: `http://${host}:${TRACING_PORTS.otlpGrpc}`, http: `http://${host}:${TRACING_PORTS.otlpHttp}` };
}

export function jaegerQueryUrl(c: StackConfig): string {
  return `http://${serviceHost(c, JAEGER_CHART.release)}:${TRACING_PORTS.jaegerQuery}`;
}

/** Mebibytes in a Kubernetes memory quantity ("512Mi", "1Gi", "2G", "1073741824"). */
export function mebibytes(quantity: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!m) throw new Error(`"${quantity}" is not a memory quantity such as 512Mi or 1Gi`);
  const factor: Record<string, number> = {
    "": 1,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return (Number(m[1]) * factor[m[2] ?? ""]) / 1024 ** 2;
}

/**
 * Memory budget of one collector pod. The memory_limiter's hard limit is 80 % of the container limit
 * and its soft limit (hard - spike) 64 %; the Go runtime's soft limit GOMEMLIMIT is 80 % of the hard
 * limit (the memory_limiter README's advice), so the GC works hard before the limiter starts refusing
 * data, and both act well before the kernel's OOM kill at 100 %.
 */
export function memoryBudget(c: StackConfig): { limitMib: number; spikeLimitMib: number; goMemLimitMib: number; containerMib: number } {
  const containerMib = Math.floor(mebibytes(c.tracing.collector.resources.limits.memory));
  const limitMib = Math.floor(containerMib * 0.8);
  const spikeLimitMib = Math.floor(limitMib * 0.2);
  const goMemLimitMib = Math.floor(limitMib * 0.8);
  return { containerMib, limitMib, spikeLimitMib, goMemLimitMib };
}

/** Tail sampling needs every span of a trace in one process: one replica, or a load-balancing tier. */
export function needsLoadBalancing(c: StackConfig): boolean {
  return c.tracing.sampling.policy === "tail" && c.tracing.collector.replicas > 1;
}

const POD_IP = "${env:MY_POD_IP}";

function common(c: StackConfig) {
  const budget = memoryBudget(c);
  return {
    extensions: { health_check: { endpoint: `${POD_IP}:${TRACING_PORTS.health}` } },
    memoryLimiter: { check_interval: "1s", limit_mib: budget.limitMib, spike_limit_mib: budget.spikeLimitMib },
    telemetry: {
      resource: { "service.name": "otel-collector" },
      logs: { level: "info", encoding: "json" },
      metrics: {
        level: "normal",
        readers: [{ pull: { exporter: { prometheus: { host: POD_IP, port: TRACING_PORTS.metrics } } } }],
      },
    },
  };
}

function jaegerExporter(c: StackConfig) {
  return {
    endpoint: `${serviceHost(c, JAEGER_CHART.release)}:${TRACING_PORTS.otlpGrpc}`,
    // In-cluster hop to Jaeger's ClusterIP Service; Jaeger's OTLP receiver serves plaintext.
    tls: { insecure: true },
    sending_queue: { enabled: true, queue_size: 5000 },
    retry_on_failure: { enabled: true, max_elapsed_time: "5m" },
  };
}

/** The processors of the tail-sampling policy: errors, slow traces, and a share of the rest. */
export function tailSamplingProcessor(c: StackConfig) {
  const s = c.tracing.sampling;
  if (s.policy !== "tail") throw new Error("tailSamplingProcessor: sampling.policy is not tail");
  return {
    decision_wait: s.decisionWait,
    num_traces: 100000,
    expected_new_traces_per_sec: 500,
    // A trace is kept when any policy samples it.
    policies: [
      { name: "keep-errors", type: "status_code", status_code: { status_codes: ["ERROR"] } },
      { name: "keep-slow", type: "latency", latency: { threshold_ms: s.slowThresholdMs } },
      { name: "baseline", type: "probabilistic", probabilistic: { sampling_percentage: s.baselinePercent } },
    ],
  };
}

const K8S_ATTRIBUTES = {
  auth_type: "serviceAccount",
  passthrough: false,
  extract: {
    metadata: ["k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.deployment.name", "k8s.node.name"],
    labels: [{ tag_name: "app.kubernetes.io/name", key: "app.kubernetes.io/name", from: "pod" }],
  },
  // Apps may set k8s.pod.ip / k8s.pod.uid themselves; otherwise the sending pod is the peer address.
  pod_association: [
    { sources: [{ from: "resource_attribute", name: "k8s.pod.ip" }] },
    { sources: [{ from: "resource_attribute", name: "k8s.pod.uid" }] },
    { sources: [{ from: "connection" }] },
  ],
};

const RESOURCE_DETECTION = {
  detectors: ["gcp"],
  timeout: "5s",
  // What the app says about itself wins over what the collector detects about its own environment.
  override: false,
  // Keep the cluster-level facts; the collector's own node is not the app's host.
  gcp: {
    resource_attributes: {
      "host.id": { enabled: false },
      "host.name": { enabled: false },
      "host.type": { enabled: false },
    },
  },
};

/**
 * A span-metrics series that no span has updated for this long is dropped: an operation's error series
 * exists only while it has failed within the window, and a query must show 0 (not nothing) without it.
 */
export const SPAN_METRICS_EXPIRATION = "5m";

/** Span metrics (RED per service and operation), computed from every span before sampling. */
const SPAN_METRICS = {
  histogram: {
    unit: "s",
    explicit: { buckets: ["5ms", "10ms", "25ms", "50ms", "100ms", "250ms", "500ms", "1s", "2.5s", "5s", "10s"] },
  },
  // Low-cardinality dimensions only: never a license key, user or request id.
  dimensions: [{ name: "http.request.method" }, { name: "http.response.status_code" }, { name: "http.route" }],
  metrics_flush_interval: "15s",
  metrics_expiration: SPAN_METRICS_EXPIRATION,
};

const SPAN_METRICS_PIPELINE: Pipeline = { receivers: ["span_metrics"], processors: ["batch"], exporters: ["prometheus"] };

/** The entry tier: what apps export to. */
export function entryCollectorConfig(c: StackConfig): CollectorConfig {
  const base = common(c);
  const tail = c.tracing.sampling.policy === "tail";
  const lb = needsLoadBalancing(c);
  const enrich = ["memory_limiter", "k8s_attributes", "resource_detection"];

  const processors: Record<string, unknown> = {
    memory_limiter: base.memoryLimiter,
    k8s_attributes: K8S_ATTRIBUTES,
    resource_detection: RESOURCE_DETECTION,
    batch: { send_batch_size: 1024, timeout: "1s" },
  };
  const connectors: Record<string, unknown> = { span_metrics: SPAN_METRICS };
  const exporters: Record<string, unknown> = {
    prometheus: { endpoint: `${POD_IP}:${TRACING_PORTS.spanMetrics}` },
  };
  const pipelines: Record<string, Pipeline> = {};

  if (!tail) {
    // Keep everything: one traces pipeline fans out to the span metrics connector and to Jaeger.
    exporters["otlp_grpc/jaeger"] = jaegerExporter(c);
    pipelines.traces = { receivers: ["otlp"], processors: [...enrich, "batch"], exporters: ["span_metrics", "otlp_grpc/jaeger"] };
  } else if (lb) {
    // Several replicas: route whole traces to the sampler tier; span metrics here, before sampling.
    exporters.load_balancing = {
      routing_key: "traceID",
      protocol: { otlp: { tls: { insecure: true }, timeout: "10s" } },
      resolver: {
        // A string: the exporter's `port` field is one, and the collector's config decoder converts no
        // types (WeaklyTypedInput false in confmap), so a YAML number stops it at startup.
        dns: { hostname: serviceHost(c, SAMPLER_RELEASE), port: String(TRACING_PORTS.otlpGrpc), interval: "5s", timeout: "1s" },
      },
    };
    pipelines.traces = { receivers: ["otlp"], processors: enrich, exporters: ["span_metrics", "load_balancing"] };
  } else {
    // One replica: sample in-process; the forward connector splits metrics (all spans) from sampling.
    connectors.forward = {};
    processors.tail_sampling = tailSamplingProcessor(c);
    exporters["otlp_grpc/jaeger"] = jaegerExporter(c);
    pipelines["traces/in"] = { receivers: ["otlp"], processors: enrich, exporters: ["span_metrics", "forward"] };
    pipelines["traces/sampling"] = { receivers: ["forward"], processors: ["tail_sampling", "batch"], exporters: ["otlp_grpc/jaeger"] };
  }
  pipelines["metrics/span_metrics"] = SPAN_METRICS_PIPELINE;

  return {
    extensions: base.extensions,
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `${POD_IP}:${TRACING_PORTS.otlpGrpc}` },
          http: { endpoint: `${POD_IP}:${TRACING_PORTS.otlpHttp}` },
        },
      },
    },
    processors,
    connectors,
    exporters,
    service: { extensions: ["health_check"], pipelines, telemetry: base.telemetry },
  };
}

/** The sampler tier (only with tail sampling on several replicas): whole traces in, sampled traces to Jaeger. */
export function samplerCollectorConfig(c: StackConfig): CollectorConfig {
  const base = common(c);
  return {
    extensions: base.extensions,
    receivers: { otlp: { protocols: { grpc: { endpoint: `${POD_IP}:${TRACING_PORTS.otlpGrpc}` } } } },
    processors: {
      memory_limiter: base.memoryLimiter,
      tail_sampling: tailSamplingProcessor(c),
      batch: { send_batch_size: 1024, timeout: "1s" },
    },
    connectors: {},
    exporters: { "otlp_grpc/jaeger": jaegerExporter(c) },
    service: {
      extensions: ["health_check"],
      pipelines: { traces: { receivers: ["otlp"], processors: ["memory_limiter", "tail_sampling", "batch"], exporters: ["otlp_grpc/jaeger"] } },
      telemetry: base.telemetry,
    },
  };
}

/** Every collector tier of the stack, entry tier first. */
export function collectorTiers(c: StackConfig): CollectorTier[] {
  const replicas = c.tracing.collector.replicas;
  const entry: CollectorTier = {
    role: "collector",
    release: COLLECTOR_RELEASE,
    replicas,
    entry: true,
    spanMetrics: true,
    k8sAttributes: true,
    headless: false,
    config: entryCollectorConfig(c),
  };
  if (!needsLoadBalancing(c)) return [entry];
  return [
    entry,
    {
      role: "sampler",
      release: SAMPLER_RELEASE,
      replicas,
      entry: false,
      spanMetrics: false,
      k8sAttributes: false,
      headless: true,
      config: samplerCollectorConfig(c),
    },
  ];
}

/** The component type of a component id ("otlp_grpc/jaeger" -> "otlp_grpc"). */
export function componentType(id: string): string {
  return id.split("/")[0];
}
