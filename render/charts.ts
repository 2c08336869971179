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

export interface ImagePin {
  registry: string;
  repository: string;
  /** Exact released tag. */
  tag: string;
  /** The pinned chart's own default tag for this image, which the pin replaces (checked by the tests). */
  chartDefault: string;
  why: string;
}

/** Images run at another version than their chart's default: each says why, and goes once the chart catches up. */
export const IMAGE_PINS = {
  alertmanager: {
    registry: "quay.io",
    repository: "prometheus/alertmanager",
    tag: "v0.34.1",
    chartDefault: "v0.34.0",
    why:
      "Alertmanager 0.30.0 to 0.34.0 index one source alert per inhibit rule and set of `equal` labels, and lift the " +
      "inhibition when that one resolves while another source still fires (prometheus/alertmanager#5542, fixed in 0.34.1)",
  },
} as const satisfies Record<string, ImagePin>;

/**
 * What the charts are rendered against in the tests: the oldest GKE minor this stack supports and the
 * API groups its charts test for (`.Capabilities`). `pulumi up` renders against the real cluster.
 */
export const CLUSTER_CAPABILITIES = {
  kubeVersion: "v1.33.0",
  apiVersions: ["monitoring.coreos.com/v1", "policy/v1", "autoscaling/v2", "batch/v1", "networking.k8s.io/v1"],
} as const;
