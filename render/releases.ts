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
  /**
   * A failed install or upgrade rolls back (Helm's --atomic). Not for a chart whose hooks also run on
   * rollback and would undo what must not be undone (kube-prometheus-stack's CRD job).
   */
  atomic: boolean;
}

/**
 * Release revisions Helm keeps (a Secret each). pulumi-kubernetes' Release keeps every revision unless
 * told (provider/pkg/provider/helm_release.go: MaxHistory 0 when unset, which Helm's
 * pkg/storage/storage.go takes for no limit); Helm's own CLI keeps 10.
 */
export const MAX_HISTORY = 10;

export function kubePrometheusStackRelease<Url = string>(c: StackConfig, remoteWriteUrl?: Url): ReleaseSpec {
  return {
    release: KUBE_PROMETHEUS_STACK.release,
    chart: CHARTS.kubePrometheusStack,
    namespace: c.namespaces.monitoring,
    values: kubePrometheusStackValues(c, remoteWriteUrl),
    // The CRD upgrade hook, the operator's admission webhook and two Prometheus volumes take a while.
    timeout: 900,
    // The chart's CRD job is a pre-install, pre-upgrade and pre-rollback hook (charts/crds/templates/
    // upgrade/job.yaml): a rollback after a failed upgrade would re-apply the previous chart's CRDs,
    // with --force-conflicts, under custom resources the new operator may already have written. A
    // failed upgrade stays failed instead, with the new CRDs (which the operator keeps backward
    // compatible), and the next `pulumi up` upgrades again (docs/charts.md).
    atomic: false,
  };
}

export function blackboxRelease(c: StackConfig): ReleaseSpec {
  return { release: BLACKBOX_EXPORTER.release, chart: CHARTS.blackboxExporter, namespace: c.namespaces.monitoring, values: blackboxValues(c), atomic: true };
}

export function jaegerRelease(c: StackConfig): ReleaseSpec {
  return { release: JAEGER_CHART.release, chart: CHARTS.jaeger, namespace: c.namespaces.tracing, values: jaegerValues(c), timeout: 600, atomic: true };
}

/** One release per collector tier, entry tier first. */
export function collectorReleases(c: StackConfig): ReleaseSpec[] {
  return collectorTiers(c).map((tier) => ({
    release: tier.release,
    chart: CHARTS.openTelemetryCollector,
    namespace: c.namespaces.tracing,
    values: otelCollectorValues(c, tier),
    timeout: 600,
    atomic: true,
  }));
}

export function helmReleases(c: StackConfig): ReleaseSpec[] {
  return [kubePrometheusStackRelease(c), blackboxRelease(c), jaegerRelease(c), ...collectorReleases(c)];
}
