// The stack outputs app deploys consume, typed and described in one place. Dependency-free, so an app
// deploy can copy (vendor) this file and read the outputs with types:
//
//   const monitoring = new pulumi.StackReference("<org>/coditect-monitoring/prod");
//   const otlp = monitoring.requireOutput("otlpGrpcEndpoint") as pulumi.Output<StackOutputs["otlpGrpcEndpoint"]>;
//
// index.ts must export every required output with this type (checked at compile time by
// test/delivery/outputs.typecheck.ts); every export must be listed here and in docs/outputs.md
// (checked by test/delivery/outputs.test.ts).

export interface StackOutputs {
  /** Namespace of Prometheus, Alertmanager and the blackbox exporter. */
  monitoringNamespace: string;
  /** Namespace the license API deploys into; this stack applies it (and never deletes it). */
  licenseApiNamespace: string;
  /** In-cluster URL of Prometheus (HTTP API and UI). */
  prometheusUrl: string;
  /** In-cluster URL of Alertmanager (HTTP API and UI). */
  alertmanagerUrl: string;
  /** Labels the license API's Service and pods must both carry: the ServiceMonitor selects the Service by them, the NetworkPolicy the pods. */
  scrapeSelector: Record<string, string>;
  /** Where the ServiceMonitor looks: the Service's namespace, the name of its metrics port, the path. */
  scrapeEndpoint: { namespace: string; port: string; path: string };
  /** Id of the PagerDuty service critical alerts open incidents on. */
  pagerdutyServiceId: string;
  /** Full resource name of the license API's log bucket (projects/…/locations/…/buckets/…). */
  logBucket: string;
  /** Full resource name of the audit log bucket. */
  auditLogBucket: string;
  /** Full resource name of the auditors' log view on the audit bucket. */
  auditLogView: string;
  /** Id of the GCP Uptime Check on the public health endpoint. */
  uptimeCheckId: string;
  /** In-cluster OTLP/gRPC endpoint of the OpenTelemetry Collector (OTEL_EXPORTER_OTLP_ENDPOINT with protocol grpc). */
  otlpGrpcEndpoint: string;
  /** In-cluster OTLP/HTTP endpoint of the OpenTelemetry Collector (OTEL_EXPORTER_OTLP_ENDPOINT with protocol http/protobuf). */
  otlpHttpEndpoint: string;
  /** In-cluster URL of the Jaeger query UI and API. */
  jaegerQueryUrl: string;
  /** URL of each Grafana dashboard, by key: licenseApi, slo, dependencies, capacity, tracing. */
  dashboardUrls: Record<string, string>;
}

export type StackOutputName = keyof StackOutputs;

export interface StackOutputDoc {
  /** One line: what it is. docs/outputs.md says more. */
  summary: string;
}

/** Every output, at run time (the interface above disappears at compile time). */
export const STACK_OUTPUTS = {
  monitoringNamespace: { summary: "namespace of Prometheus and Alertmanager" },
  licenseApiNamespace: { summary: "namespace the license API deploys into, applied by this stack" },
  prometheusUrl: { summary: "in-cluster Prometheus URL" },
  alertmanagerUrl: { summary: "in-cluster Alertmanager URL" },
  scrapeSelector: { summary: "labels the license API's Service (scraped) and pods (NetworkPolicy) must carry" },
  scrapeEndpoint: { summary: "namespace, metrics port name and path the ServiceMonitor scrapes" },
  pagerdutyServiceId: { summary: "PagerDuty service id" },
  logBucket: { summary: "license API log bucket" },
  auditLogBucket: { summary: "audit log bucket" },
  auditLogView: { summary: "auditors' log view" },
  uptimeCheckId: { summary: "GCP Uptime Check id" },
  otlpGrpcEndpoint: { summary: "OTLP/gRPC endpoint" },
  otlpHttpEndpoint: { summary: "OTLP/HTTP endpoint" },
  jaegerQueryUrl: { summary: "in-cluster Jaeger query URL" },
  dashboardUrls: { summary: "Grafana dashboard URLs by key" },
} as const satisfies Record<StackOutputName, StackOutputDoc>;
