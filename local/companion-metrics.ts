// What other exporters report about the license API in the cluster: cAdvisor and kube-state-metrics
// on its containers, and the OpenTelemetry Collector's span metrics of its spans. The simulator serves
// them beside its own metrics so every rule and dashboard query has data on the local stack.
import { Counter, Histogram, type Registry } from "prom-client";
import { contractMetrics } from "./contract-metrics";
import { seconds as secondsOf } from "../lib/duration";
import { SPAN_METRICS_EXPIRATION } from "../render/collector-config";

const MiB = 1024 * 1024;

/** A span of a request's trace: the API's server span, or a client span of a call it made. */
export interface Span {
  kind: "server" | "client";
  name: string;
  seconds: number;
  error: boolean;
}

export interface CompanionOptions {
  namespace: string;
  container: string;
  /** Simulated pods of the API's Deployment. */
  pods: string[];
}

export function companionMetrics(registry: Registry, o: CompanionOptions) {
  const r = { registers: [registry] };
  const { counter, gauge } = contractMetrics(registry);
  const cpu = counter("container_cpu_usage_seconds_total");
  const memory = gauge("container_memory_working_set_bytes");
  const started = gauge("container_start_time_seconds");
  const requests = gauge("kube_pod_container_resource_requests", ["node"]);
  const limits = gauge("kube_pod_container_resource_limits", ["node"]);
  // Span metrics are the collector's output, not the API's or the cluster's: outside the contract.
  const spanLabels = ["service_name", "span_name", "span_kind", "status_code"];
  const calls = new Counter({ name: "traces_span_metrics_calls_total", help: "Span calls.", labelNames: spanLabels, ...r });
  const duration = new Histogram({
    name: "traces_span_metrics_duration_seconds",
    help: "Span duration.",
    labelNames: spanLabels,
    buckets: [0.002, 0.004, 0.006, 0.008, 0.01, 0.05, 0.1, 0.2, 0.4, 0.8, 1, 1.4, 2, 5, 10, 15],
    ...r,
  });

  /** When each span-metrics label set was last updated (ms). */
  const updated = new Map<string, number>();
  const expiration = secondsOf(SPAN_METRICS_EXPIRATION) * 1000;

  const now = Date.now() / 1000;
  for (const pod of o.pods) {
    const labels = { namespace: o.namespace, pod, container: o.container };
    const node = "gke-node-1";
    started.set(labels, now);
    requests.set({ ...labels, node, resource: "cpu", unit: "core" }, 0.5);
    requests.set({ ...labels, node, resource: "memory", unit: "byte" }, 256 * MiB);
    limits.set({ ...labels, node, resource: "memory", unit: "byte" }, 512 * MiB);
  }

  return {
    /** One tick of `seconds`, with each request's latency and outcome. */
    tick(seconds: number, spans: Span[]) {
      for (const pod of o.pods) {
        const labels = { namespace: o.namespace, pod, container: o.container };
        cpu.inc(labels, seconds * (0.15 + Math.random() * 0.1));
        memory.set(labels, (220 + Math.random() * 20) * MiB);
      }
      for (const span of spans) {
        const labels = {
          service_name: "license-api",
          span_name: span.name,
          span_kind: span.kind === "server" ? "SPAN_KIND_SERVER" : "SPAN_KIND_CLIENT",
          status_code: span.error ? "STATUS_CODE_ERROR" : "STATUS_CODE_UNSET",
        };
        calls.inc(labels);
        duration.observe(labels, span.seconds);
        updated.set(JSON.stringify(labels), Date.now());
      }
      // The collector's span_metrics connector drops a series no span updated within its expiration.
      for (const [key, at] of updated) {
        if (Date.now() - at < expiration) continue;
        const labels = JSON.parse(key) as Record<string, string>;
        calls.remove(labels);
        duration.remove(labels);
        updated.delete(key);
      }
    },
  };
}
