// Request rate, errors and duration (RED) of the license API from span metrics, with links from every
// series to the matching traces in Jaeger. The OpenTelemetry Collector's span_metrics connector (its
// default namespace `traces.span.metrics`, histogram unit set to seconds in render/collector-config.ts)
// exports, through the prometheus exporter, `traces_span_metrics_calls_total` and
// `traces_span_metrics_duration_seconds_bucket`, labelled with its default dimensions service_name,
// span_name, span_kind and status_code. (With the connector's default unit, ms, the histogram would be
// `..._duration_milliseconds_bucket`; test/grafana checks the two stay in step.)
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type { StackConfig } from "../config";
import { buildDashboard, Layout, orZeroWhere, promDatasource, type DashboardModel, type PanelSpec, timeSeriesPanel } from "./common";
import { dataSources } from "./datasources";
import { DASHBOARDS } from "../lib/identities";

const P = DASHBOARDS.tracing.panels;

export const SPAN_METRICS = {
  calls: "traces_span_metrics_calls_total",
  durationBucket: "traces_span_metrics_duration_seconds_bucket",
} as const;

const SERVICE = "service";

/**
 * A Grafana Explore URL that searches Jaeger (by data source uid) for the clicked series' service and
 * operation over the dashboard's time range. The pane state is percent-encoded JSON; the field
 * variables are interpolated by Grafana and percent-encoded in place.
 */
export function jaegerSearchUrl(jaegerUid: string, tags?: string): string {
  const fields: Record<string, string> = {
    __SERVICE__: "${__field.labels.service_name:percentencode}",
    __OPERATION__: "${__field.labels.span_name:percentencode}",
    __FROM__: "${__from}",
    __TO__: "${__to}",
  };
  const panes = {
    traces: {
      datasource: jaegerUid,
      queries: [
        {
          refId: "A",
          datasource: { type: "jaeger", uid: jaegerUid },
          queryType: "search",
          service: "__SERVICE__",
          operation: "__OPERATION__",
          ...(tags ? { tags } : {}),
        },
      ],
      range: { from: "__FROM__", to: "__TO__" },
    },
  };
  let encoded = encodeURIComponent(JSON.stringify(panes));
  for (const [placeholder, variable] of Object.entries(fields)) encoded = encoded.split(placeholder).join(variable);
  return `/explore?schemaVersion=1&panes=${encoded}`;
}

export function tracingDashboard(c: StackConfig): DashboardModel {
  const t = c.alerts;
  const jaeger = dataSources(c).jaeger;
  const service = `service_name=~"$${SERVICE}"`;
  const server = `${service}, span_kind="SPAN_KIND_SERVER"`;
  const client = `${service}, span_kind="SPAN_KIND_CLIENT"`;
  const tracesLink = new dashboard.DashboardLinkBuilder("Traces of ${__field.labels.span_name} in Jaeger").url(jaegerSearchUrl(jaeger.uid)).targetBlank(true);
  const errorsLink = new dashboard.DashboardLinkBuilder("Failed traces of ${__field.labels.span_name} in Jaeger")
    .url(jaegerSearchUrl(jaeger.uid, "error=true"))
    .targetBlank(true);
  const layout = new Layout();
  const withLinks = (s: PanelSpec, links: dashboard.DashboardLinkBuilder[]) =>
    timeSeriesPanel(s).dataLinks(links).gridPos(layout.place(s.w, s.h));

  const p95 = (selector: string) =>
    `histogram_quantile(0.95, sum by (le, service_name, span_name) (rate(${SPAN_METRICS.durationBucket}{${selector}}[$__rate_interval])))`;
  const rate = (selector: string) => `sum by (service_name, span_name) (rate(${SPAN_METRICS.calls}{${selector}}[$__rate_interval]))`;

  const serviceVariable = new dashboard.QueryVariableBuilder(SERVICE)
    .label("Service")
    .datasource(promDatasource(c))
    .query(`label_values(${SPAN_METRICS.calls}, service_name)`)
    .definition(`label_values(${SPAN_METRICS.calls}, service_name)`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .current({ selected: true, text: c.licenseApi.service, value: c.licenseApi.service });

  return buildDashboard(c, {
    key: "tracing",
    title: "License API traces",
    description: "Rate, errors and duration of the license API's operations from span metrics; click a series to open its traces in Jaeger.",
    variables: [serviceVariable],
    panels: [
      withLinks(
        {
          id: P.spanRate,
          title: "Server requests by operation",
          description: "Server spans per second by operation (span metrics). Click a series for its traces in Jaeger.",
          unit: "reqps",
          min: 0,
          queries: [{ expr: rate(server), legend: "{{span_name}}" }],
        },
        [tracesLink],
      ),
      withLinks(
        {
          id: P.spanErrors,
          title: "Server error ratio by operation",
          description: `Share of server spans with status ERROR. The API's error-rate alert pages above ${t.errorRate.threshold * 100}%. Click a series for its failed traces in Jaeger.`,
          unit: "percentunit",
          min: 0,
          steps: [[t.errorRate.threshold, "red"]],
          queries: [{ expr: `${orZeroWhere(rate(`${server}, status_code="STATUS_CODE_ERROR"`), rate(server))} / ${rate(server)}`, legend: "{{span_name}}" }],
        },
        [errorsLink, tracesLink],
      ),
      withLinks(
        {
          id: P.spanDuration,
          title: "Server p95 duration by operation",
          description: `p95 server span duration per operation. HighLatency pages when the API's p95 stays above ${t.latencyP95Seconds.threshold}s. Click a series for its traces in Jaeger.`,
          unit: "s",
          min: 0,
          steps: [[t.latencyP95Seconds.threshold, "red"]],
          queries: [{ expr: p95(server), legend: "{{span_name}}" }],
        },
        [tracesLink],
      ),
      withLinks(
        {
          id: 4,
          title: "Outgoing calls p95 duration (Redis, database)",
          description: "p95 duration of client spans (calls the API makes to Redis and the database) per operation.",
          unit: "s",
          min: 0,
          queries: [{ expr: p95(client), legend: "{{span_name}}" }],
        },
        [tracesLink],
      ),
    ],
  });
}
