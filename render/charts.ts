// Every Helm chart this stack installs, pinned to an exact released version. This is the one place a
// pin lives: the components install from here, `npm run charts:fetch` pulls these into the cache, and
// the tests render these exact charts with the real Helm. Bumping a chart is a one-line change here,
// then `npm run charts:fetch && npm run golden:update` and a review of the rendered-manifest diff.

export interface ChartPin {
  /** Chart name in its repository. */
  chart: string;
  /** The chart's own Helm repository, where `pulumi up` and `charts:fetch` get it from. */
  repo: string;
  /** Exact chart version: never a range, so a preview and the later `up` install the same chart. */
  version: string;
  /** The application version the chart deploys by default (its Chart.yaml appVersion), checked by the tests. */
  appVersion: string;
}

export const CHARTS = {
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    repo: "https://prometheus-community.github.io/helm-charts",
    version: "88.5.3",
    appVersion: "v0.93.1",
  },
  blackboxExporter: {
    chart: "prometheus-blackbox-exporter",
    repo: "https://prometheus-community.github.io/helm-charts",
    version: "11.17.2",
    appVersion: "v0.28.0",
  },
  openTelemetryCollector: {
    chart: "opentelemetry-collector",
    repo: "https://open-telemetry.github.io/opentelemetry-helm-charts",
    version: "0.170.0",
    appVersion: "0.158.0",
  },
  jaeger: {
    chart: "jaeger",
    repo: "https://jaegertracing.github.io/helm-charts",
    version: "4.11.1",
    appVersion: "2.19.0",
  },
} as const satisfies Record<string, ChartPin>;

export type ChartKey = keyof typeof CHARTS;

/**
 * What the charts are rendered against in the tests: the oldest GKE minor this stack supports and the
 * API groups its charts test for (`.Capabilities`). `pulumi up` renders against the real cluster.
 */
export const CLUSTER_CAPABILITIES = {
  kubeVersion: "v1.33.0",
  apiVersions: ["monitoring.coreos.com/v1", "policy/v1", "autoscaling/v2", "batch/v1", "networking.k8s.io/v1"],
} as const;
