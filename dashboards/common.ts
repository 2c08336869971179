// What every dashboard shares: the panel factories (legend shown, refIds and panel ids set, units and
// thresholds required), the template variables, the layout, and the dashboard frame. The foundation
// SDK's defaults are not what a reviewed dashboard wants (no panel id, no refId, legend hidden), so
// every panel is made here and nowhere else.
import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as googlecloudmonitoring from "@grafana/grafana-foundation-sdk/googlecloudmonitoring";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import type { StackConfig } from "../config";
import { dataSources, MIXED_DATASOURCE } from "./datasources";
import { DASHBOARD_REFRESH, type DashboardKey, dashboardUid, selectors } from "../lib/identities";
import { inManagedScope, recordedInMonarch } from "../lib/managed-scope";

/** The JSON model Grafana stores; what `grafana.oss.Dashboard` takes as `configJson`. */
export type DashboardModel = dashboard.Dashboard;

/**
 * The in-cluster Prometheus of this stack's environment, named by uid on every panel and target. There
 * is no data source variable: the one Grafana organisation holds the long-term store and the other
 * environment's Prometheus too, where an in-cluster panel's queries go empty or, worse, answer for
 * another cluster.
 */
export const promDatasource = (c: Pick<StackConfig, "environment">): common.DataSourceRef => {
  const ds = dataSources(c).prometheus;
  return { type: ds.type, uid: ds.uid };
};

/**
 * `expr`, or 0 for each series of `base` it has no series for. Some things have not happened when they
 * have no series: a labelled counter appears at its first use (docs/metrics.md), and the collector
 * drops a span series no span updated for a while. Where `base` (the traffic they would be part of)
 * exists, the truth is 0, not "No data"; where it does not, there is nothing to say, and the panel says
 * nothing. `expr` and `base` aggregate by the same labels.
 */
export const orZeroWhere = (expr: string, base: string) => `(${expr} or 0 * ${base})`;

/** Tag shared by the stack's dashboards: the dashboard links menu lists every dashboard carrying it. */
export const DASHBOARD_TAG = "coditect-license-api";

export interface Query {
  expr: string;
  legend: string;
  /** Instant queries (stat and gauge panels showing "now"). */
  instant?: boolean;
  /**
   * A unit of its own, for a measure that shares a time series panel with the panel's unit: drawn
   * against an axis of its own on the right, so that neither flattens the other.
   */
  unit?: string;
  /**
   * Read from Monarch, through the Cloud Monitoring data source's PromQL, not from a Prometheus data
   * source: the series the managed rule evaluator records there (lib/managed-scope.ts).
   */
  monarch?: { datasource: common.DataSourceRef; projectName: string };
}

/**
 * A query of a recorded seat aggregate where the stack records it: by name in the cluster's
 * Prometheus, or in Monarch, this stack's scope only, when the managed rule evaluator runs its group
 * (alerts.perLicense.evaluator). `around` makes the query of the selected series (`s or on () vector(0)`).
 */
export function aggregateQuery(c: StackConfig, name: string, q: Omit<Query, "expr" | "monarch">, around = (selected: string) => selected): Query {
  if (!recordedInMonarch(c, name)) return { ...q, expr: around(name) };
  const gcm = dataSources(c).cloudMonitoring;
  return { ...q, expr: around(inManagedScope(c, name)), monarch: { datasource: { type: gcm.type, uid: gcm.uid }, projectName: c.gcp.project } };
}

export type Color = "green" | "yellow" | "orange" | "red" | "dark-red" | "blue" | "text";
/** Threshold steps above a base colour: `[[0.9, "orange"], [1, "red"]]`. */
export type Steps = [number, Color][];

/** Seat utilisation's steps: orange where SeatExhaustion fires, red at the seat limit. */
export const seatUtilisationSteps = (t: StackConfig["alerts"]): Steps => [
  [t.seatUtilisation.threshold, "orange"],
  [1, "red"],
];

export interface PanelSpec {
  /** Fixed panel id; alerts link to it with `viewPanel=<id>` (lib/identities.ts). */
  id: number;
  title: string;
  description: string;
  /** A Grafana unit id: reqps, s, ms, percentunit, bytes, short, ops, ... */
  unit: string;
  queries: Query[];
  /** Colour below the first step. */
  base?: Color;
  steps?: Steps;
  min?: number;
  max?: number;
  decimals?: number;
  w?: number;
  h?: number;
  /** Another data source than this environment's in-cluster Prometheus: the long-range panels read the long-term store. */
  datasource?: common.DataSourceRef;
}

const REF_IDS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

type Target = prometheus.DataqueryBuilder | googlecloudmonitoring.CloudMonitoringQueryBuilder;

function targets(queries: Query[], datasource?: common.DataSourceRef): Target[] {
  if (queries.length > REF_IDS.length) throw new Error("too many queries in one panel");
  return queries.map((q, i) => {
    if (q.monarch) return monarchTarget(REF_IDS[i], q, q.monarch);
    const b = new prometheus.DataqueryBuilder().refId(REF_IDS[i]);
    if (datasource) b.datasource(datasource);
    b
      .expr(q.expr)
      .legendFormat(q.legend)
      .editorMode(prometheus.QueryEditorMode.Code)
      .format(prometheus.PromQueryFormat.TimeSeries);
    return q.instant ? b.instant() : b.range();
  });
}

/**
 * A PromQL query of Monarch through Grafana's Cloud Monitoring data source. What Grafana does with it
 * (grafana/grafana, public/app/plugins/datasource/cloud-monitoring/datasource.ts and
 * pkg/tsdb/cloud-monitoring): it drops a PromQL query without a project, expression and step
 * (`filterQuery`); it rewrites a query that has none of timeSeriesList, timeSeriesQuery, sloQuery or
 * metricQuery into a time series list (`migrateQuery`, `migrateRequest`), so a time series list rides
 * along unused; it substitutes template variables in every PromQL field, so the step follows the
 * panel's interval; and it always asks for a range (promql_query.go), whose series it names by their
 * labels, never by aliasBy, so the legend is set as each series' display name.
 */
function monarchTarget(refId: string, q: Query, m: NonNullable<Query["monarch"]>): googlecloudmonitoring.CloudMonitoringQueryBuilder {
  return new googlecloudmonitoring.CloudMonitoringQueryBuilder()
    .refId(refId)
    .datasource(m.datasource)
    .queryType(googlecloudmonitoring.QueryType.PROMQL)
    .promQLQuery(new googlecloudmonitoring.PromQLQueryBuilder().projectName(m.projectName).expr(q.expr).step("$__interval"))
    .timeSeriesList(new googlecloudmonitoring.TimeSeriesListBuilder().projectName(m.projectName).crossSeriesReducer("REDUCE_NONE"));
}

/** The data source of a panel: its queries' own when they all read one, Grafana's mixed one when they do not. */
function panelDatasource(s: PanelSpec): common.DataSourceRef | undefined {
  const monarch = s.queries.filter((q) => q.monarch);
  if (monarch.length === 0) return s.datasource;
  return monarch.length === s.queries.length ? monarch[0].monarch!.datasource : MIXED_DATASOURCE;
}

function thresholds(base: Color, steps: Steps): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))]);
}

function common_<P extends timeseries.PanelBuilder | stat.PanelBuilder | gauge.PanelBuilder>(p: P, s: PanelSpec): P {
  p.id(s.id).title(s.title).description(s.description).unit(s.unit).targets(targets(s.queries, s.datasource));
  const datasource = panelDatasource(s);
  if (datasource) p.datasource(datasource);
  s.queries.forEach((q, i) => {
    if (q.monarch) p.overrideByQuery(REF_IDS[i], [{ id: "displayName", value: q.legend }]);
  });
  p.thresholds(thresholds(s.base ?? "green", s.steps ?? []));
  if (s.min !== undefined) p.min(s.min);
  if (s.max !== undefined) p.max(s.max);
  if (s.decimals !== undefined) p.decimals(s.decimals);
  return p;
}

/** A time series panel: legend shown as a table with mean/max/last, thresholds drawn as dashed lines. */
export function timeSeriesPanel(s: PanelSpec): timeseries.PanelBuilder {
  const p = common_(new timeseries.PanelBuilder(), s)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .calcs(["mean", "max", "lastNotNull"]),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .lineWidth(1)
    .fillOpacity(10)
    .spanNulls(false);
  if (s.steps && s.steps.length > 0) {
    p.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  }
  s.queries.forEach((q, i) => {
    if (q.unit && q.unit !== s.unit) {
      p.overrideByQuery(REF_IDS[i], [
        { id: "unit", value: q.unit },
        { id: "custom.axisPlacement", value: common.AxisPlacement.Right },
      ]);
    }
  });
  return p;
}

/** Stat and gauge panels show one number in one unit: a query with a unit of its own belongs in a time series panel. */
function oneUnit(s: PanelSpec): PanelSpec {
  const other = s.queries.find((q) => q.unit && q.unit !== s.unit);
  if (other) throw new Error(`panel "${s.title}": ${other.legend} has unit ${other.unit}, the panel ${s.unit}; only a time series panel draws two units`);
  return s;
}

/** A single number (last value) with a sparkline, coloured by the thresholds. */
export function statPanel(s: PanelSpec): stat.PanelBuilder {
  return common_(new stat.PanelBuilder(), oneUnit(s))
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
}

/** A gauge of the last value against min..max, with the thresholds as its bands. */
export function gaugePanel(s: PanelSpec): gauge.PanelBuilder {
  return common_(new gauge.PanelBuilder(), oneUnit(s))
    .showThresholdMarkers(true)
    .showThresholdLabels(false)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
}

/** Places panels left to right in rows of 24 grid units. */
export class Layout {
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  place(w = 12, h = 8): dashboard.GridPos {
    if (this.x + w > 24) this.newLine();
    const pos = { x: this.x, y: this.y, w, h };
    this.x += w;
    this.rowHeight = Math.max(this.rowHeight, h);
    return pos;
  }

  /** A full-width row header; panels placed after it belong below it. */
  row(): dashboard.GridPos {
    this.newLine();
    const pos = { x: 0, y: this.y, w: 24, h: 1 };
    this.y += 1;
    return pos;
  }

  private newLine(): void {
    this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }
}

/** Lays out panel specs and makes each panel with its factory. */
/** A panel as a dashboard lists it: its factory and its spec, laid out in order. */
export type PanelEntry = [(s: PanelSpec) => PanelBuilderLike, PanelSpec];

export function panels(layout: Layout, specs: PanelEntry[]): PanelBuilderLike[] {
  return specs.map(([make, s]) => make(s).gridPos(layout.place(s.w, s.h)));
}

export type PanelBuilderLike = timeseries.PanelBuilder | stat.PanelBuilder | gauge.PanelBuilder;

// --- template variables -------------------------------------------------------------------------

const ALL = { selected: true, text: "All", value: "$__all" };

function labelValuesVariable(c: StackConfig, name: string, label: string, query: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(promDatasource(c))
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current(ALL);
}

/** Pricing tier, read from the recording rule (cheap: one series per tier). */
export const tierVariable = (c: StackConfig) => labelValuesVariable(c, "tier", "Tier", "label_values(tier:license_validation_requests:rate5m, tier)");

/** A scrape target (API replica) of the license API. */
export const instanceVariable = (c: StackConfig) =>
  labelValuesVariable(c, "instance", "Instance", `label_values(up{${selectors(c).api}}, instance)`);

/**
 * Narrows the seat panels to licenses whose key matches a regex. A text box, not a drop-down: a
 * drop-down would list every customer's license key to every viewer, and would fan out thousands of
 * values. Off (`.*`) by default, and panels aggregate across licenses, so the default view never
 * shows one series per license.
 */
export const LICENSE_FILTER_OFF = ".*";
export const licenseVariable = () =>
  new dashboard.TextBoxVariableBuilder("license")
    .label("License (regex)")
    .description("Narrows the seat panels to matching licenses: by license_id under the metric contract, by license_key under ADR-019's labels. Leave at .* to aggregate over all licenses.")
    .defaultValue(LICENSE_FILTER_OFF)
    .current({ selected: true, text: LICENSE_FILTER_OFF, value: LICENSE_FILTER_OFF });

/** The license filter as the seat expressions take it (lib/seat-series.ts): one matcher per scheme. */
export const LICENSE_FILTER = { contract: `license_id=~"$license"`, adr: `license_key=~"$license"` } as const;
/**
 * A selection narrowed by the license filter under either label scheme: the metric contract names a
 * license by `license_id`, ADR-019's labels by `license_key`, and a series carries one or the other.
 * One selection per label, joined by `or`: at the default (.*) both match every series, and `or`
 * keeps each series once.
 */
export const narrowedToLicense = (select: (matcher: string) => string) => `(${select(LICENSE_FILTER.contract)} or ${select(LICENSE_FILTER.adr)})`;

// --- the dashboard frame ------------------------------------------------------------------------

export interface DashboardSpec {
  key: DashboardKey;
  title: string;
  description: string;
  variables: cog.Builder<dashboard.VariableModel>[];
  panels: PanelBuilderLike[];
  rows?: dashboard.RowBuilder[];
}

export function buildDashboard(c: StackConfig, spec: DashboardSpec): DashboardModel {
  const d = new dashboard.DashboardBuilder(`${spec.title} (${c.environment})`)
    .uid(dashboardUid(spec.key, c.environment))
    .description(spec.description)
    .tags([DASHBOARD_TAG, c.environment])
    .timezone("utc")
    .time({ from: "now-6h", to: "now" })
    .refresh(DASHBOARD_REFRESH)
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    // Provisioned from code: changes in the UI would be overwritten by the next `pulumi up`.
    .readonly()
    .link(
      new dashboard.DashboardLinkBuilder("License API dashboards")
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG, c.environment])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
  for (const v of spec.variables) d.withVariable(v);
  for (const p of spec.panels) d.withPanel(p);
  for (const r of spec.rows ?? []) d.withRow(r);
  const model = d.build();
  for (const link of model.links ?? []) withoutPlacement(link);
  for (const panel of allPanels(model)) {
    // A panel that names no other data source reads this environment's in-cluster Prometheus, and so
    // does each of its queries: Grafana sends a target without one to the panel's, or to the default.
    panel.datasource ??= promDatasource(c);
    // In a panel of mixed data sources, a query naming none reads the in-cluster Prometheus too.
    const fallback = panel.datasource.uid === MIXED_DATASOURCE.uid ? promDatasource(c) : panel.datasource;
    for (const target of (panel.targets ?? []) as { datasource?: common.DataSourceRef }[]) target.datasource ??= fallback;
    for (const link of (panel.fieldConfig?.defaults?.links ?? []) as { placement?: unknown }[]) withoutPlacement(link);
  }
  return model;
}

/** Every panel of a dashboard, including those inside (collapsed) rows. */
export function allPanels(model: DashboardModel): dashboard.Panel[] {
  return (model.panels ?? []).flatMap((p) => (p.type === "row" ? [...(p as dashboard.RowPanel).panels] : [p as dashboard.Panel]));
}

/**
 * The SDK stamps `placement: "inControlsMenu"` on every link, which tucks dashboard links into the
 * controls menu and is meaningless on data links; Grafana's default placement is the right one.
 */
export function withoutPlacement<L extends { placement?: unknown }>(link: L): L {
  delete link.placement;
  return link;
}
