// The 99.9 % availability SLO: availability against the objective, error budget left in the SLO
// window, and the burn rate of every SLI window against the thresholds the burn-rate alerts use. All
// from the SLO recording rules (rules/slo.ts), plus the outside view: Cloud Monitoring uptime checks.
// The SLI is the one of lib/identities.ts (sliBad): time the API could not answer counts as failed.
import * as googlecloudmonitoring from "@grafana/grafana-foundation-sdk/googlecloudmonitoring";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type { StackConfig } from "../config";
import {
  buildDashboard,
  gaugePanel,
  Layout,
  panels,
  statPanel,
  timeSeriesPanel,
  type Color,
  type DashboardModel,
  type Steps,
} from "./common";
import { dataSources } from "./datasources";
import { BURN_RATES, DASHBOARDS, errorBudget, roundFigure, SLI_WINDOWS, sliObserved, sliRatio, sliUnavailable, SLO_NAME } from "../lib/identities";
import { ENVIRONMENT_LABEL } from "../lib/long-term";

const P = DASHBOARDS.slo.panels;

/** The burn-rate thresholds of the alerts, coloured by how fast they page. */
export function burnRateSteps(): Steps {
  const colours: Color[] = ["yellow", "orange", "red", "dark-red"];
  const factors = [...new Set(BURN_RATES.map((b) => b.factor))].sort((a, b) => a - b);
  return factors.map((f, i) => [f, colours[Math.min(i, colours.length - 1)]]);
}

export function sloDashboard(c: StackConfig): DashboardModel {
  const target = c.slo.availabilityTarget;
  const budget = errorBudget(c);
  const slo = `slo="${SLO_NAME}"`;
  const layout = new Layout();
  const burnWindows = SLI_WINDOWS;
  // The long-range panels (availability, budget) read the long-term store, which keeps every
  // environment's series: they select this one's by its external label.
  const longTerm = dataSources(c).longTerm;
  const longRange = { datasource: { type: longTerm.type, uid: longTerm.uid } };
  const sloLongTerm = `${slo}, ${ENVIRONMENT_LABEL}="${c.environment}"`;
  const prom = panels(layout, [
    [
      timeSeriesPanel,
      {
        id: P.availability,
        title: `Availability against the ${target * 100}% objective`,
        description: `Share of license validations the API completed, over the last hour and over the ${c.slo.window} SLO window, against the objective, as the monthly report counts it: of the time observed. Time the API could not answer at all (every health probe failing, or no target up) counts as failed; "could not answer (1h)" is the share of the last hour it could not. The figures are those of the Prometheus replica whose record the long-term store keeps (the other's, when it stops): time that replica did not record (a restart, a fresh volume) is neither downtime nor uptime, and "not observed" is its share of the SLO window. The monthly report merges both replicas' records.`,
        unit: "percentunit",
        decimals: 3,
        base: "red",
        steps: [[target, "green"]],
        ...longRange,
        queries: [
          { expr: `1 - ${sliRatio("1h")}{${sloLongTerm}}`, legend: "last 1h" },
          { expr: `1 - ${sliRatio(c.slo.window)}{${sloLongTerm}}`, legend: `last ${c.slo.window}` },
          { expr: `slo:objective:ratio{${sloLongTerm}}`, legend: "objective" },
          { expr: `${sliUnavailable("1h")}{${sloLongTerm}}`, legend: "could not answer (1h)" },
          { expr: `1 - ${sliObserved(c.slo.window)}{${sloLongTerm}}`, legend: `not observed (${c.slo.window})` },
        ],
      },
    ],
    [
      statPanel,
      {
        id: P.budgetRemaining,
        title: `Error budget remaining (${c.slo.window})`,
        description: `The share of the ${c.slo.window} error budget (${roundFigure(budget * 100)}% of validations) not yet spent, over the time observed. Below zero the SLO is missed.`,
        unit: "percentunit",
        decimals: 1,
        w: 6,
        base: "red",
        steps: [
          [0, "orange"],
          [0.25, "green"],
        ],
        ...longRange,
        queries: [{ expr: `slo:error_budget:remaining_ratio{${sloLongTerm}}`, legend: "budget remaining" }],
      },
    ],
    [
      gaugePanel,
      {
        id: 4,
        title: `Availability over ${c.slo.window}`,
        description: `Availability over the SLO window against the ${target * 100}% objective.`,
        unit: "percentunit",
        decimals: 3,
        w: 6,
        min: roundFigure(Math.max(0, 1 - 10 * budget)),
        max: 1,
        base: "red",
        steps: [[target, "green"]],
        ...longRange,
        queries: [{ expr: `1 - ${sliRatio(c.slo.window)}{${sloLongTerm}}`, legend: "availability", instant: true }],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: P.burnRates,
        title: "Error budget burn rate by window",
        description: `How many times faster than sustainable each window spends the budget (error ratio, unavailable time included, / ${budget}). The dashed lines are the burn-rate alerts' thresholds: ${BURN_RATES.map((b) => `${b.factor}x over ${b.long} and ${b.short} (${b.severity})`).join("; ")}.`,
        unit: "suffix:x",
        min: 0,
        w: 24,
        h: 10,
        steps: burnRateSteps(),
        queries: burnWindows.map((w) => ({ expr: `${sliRatio(w)}{${slo}} / ${budget}`, legend: w })),
      },
    ],
  ]);

  const gcm = dataSources(c).cloudMonitoring;
  const host = new URL(c.licenseApi.publicUrl).host;
  const uptime = new timeseries.PanelBuilder()
    .id(5)
    .title("External uptime checks (Cloud Monitoring)")
    .description(`Share of Cloud Monitoring uptime checks of ${host} that passed, by checker region: the view from outside the cluster, which still works when the whole cluster is down.`)
    .datasource({ type: gcm.type, uid: gcm.uid })
    .unit("percentunit")
    .min(0)
    .max(1)
    .thresholds(
      new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
        { value: null, color: "red" },
        { value: 1, color: "green" },
      ]),
    )
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Ascending))
    .withTarget(
      new googlecloudmonitoring.CloudMonitoringQueryBuilder()
        .refId("A")
        .datasource({ type: gcm.type, uid: gcm.uid })
        .queryType(googlecloudmonitoring.QueryType.TIMESERIESLIST)
        .aliasBy("{{metric.label.checker_location}}")
        .timeSeriesList(
          new googlecloudmonitoring.TimeSeriesListBuilder()
            .projectName(c.gcp.project)
            .filters([
              "metric.type", "=", "monitoring.googleapis.com/uptime_check/check_passed",
              "AND", "resource.type", "=", "uptime_url",
              "AND", "resource.label.host", "=", host,
            ])
            .perSeriesAligner("ALIGN_FRACTION_TRUE")
            .alignmentPeriod("cloud-monitoring-auto")
            .crossSeriesReducer("REDUCE_MEAN")
            .groupBys(["metric.label.checker_location"]),
        ),
    )
    .gridPos(layout.place(24, 8));

  return buildDashboard(c, {
    key: "slo",
    title: "License API SLO",
    description: `The ${target * 100}% availability SLO of license validation (${SLO_NAME}) over ${c.slo.window}, with the burn rates the SLO alerts page on.`,
    variables: [],
    panels: [...prom, uptime],
  });
}
