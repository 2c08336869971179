// Every Helm release a stack installs: which pinned chart, under which release name, in which
// namespace, with which values. The components install exactly these, and the tests render exactly
// these with the real Helm, so what is tested is what deploys.
import type { StackConfig } from "../config";
import { CHARTS, type ChartPin } from "./charts";
import { collectorTiers, JAEGER_CHART } from "./collector-config";
import { BLACKBOX_EXPORTER, blackboxValues } from "./values/blackbox";
import { jaegerValues } from "./values/jaeger";
import { KUBE_PROMETHEUS_STACK, kubePrometheusStackValues } from "./values/kube-prometheus-stack";
import { otelCollectorValues } from "./values/otel-collector";

export interface ReleaseSpec {
  /** Helm release name, which the chart's object names derive from. */
  release: string;
  chart: ChartPin;
  namespace: string;
  values: Record<string, unknown>;
  /** Seconds to wait for the release's objects to become ready. */
  timeout?: number;
}

export function kubePrometheusStackRelease<Url = string>(c: StackConfig, remoteWriteUrl?: Url): ReleaseSpec {
  return {
    release: KUBE_PROMETHEUS_STACK.release,
    chart: CHARTS.kubePrometheusStack,
    namespace: c.namespaces.monitoring,
    values: kubePrometheusStackValues(c, remoteWriteUrl),
    // The CRD upgrade hook, the operator's admission webhook and two Prometheus volumes take a while.
    timeout: 900,
  };
}

export function blackboxRelease(c: StackConfig): ReleaseSpec {
  return { release: BLACKBOX_EXPORTER.release, chart: CHARTS.blackboxExporter, namespace: c.namespaces.monitoring, values: blackboxValues(c) };
}

export function jaegerRelease(c: StackConfig): ReleaseSpec {
  return { release: JAEGER_CHART.release, chart: CHARTS.jaeger, namespace: c.namespaces.tracing, values: jaegerValues(c), timeout: 600 };
}

/** One release per collector tier, entry tier first. */
export function collectorReleases(c: StackConfig): ReleaseSpec[] {
  return collectorTiers(c).map((tier) => ({
    release: tier.release,
    chart: CHARTS.openTelemetryCollector,
    namespace: c.namespaces.tracing,
    values: otelCollectorValues(c, tier),
    timeout: 600,
  }));
}

export function helmReleases(c: StackConfig): ReleaseSpec[] {
  return [kubePrometheusStackRelease(c), blackboxRelease(c), jaegerRelease(c), ...collectorReleases(c)];
}
