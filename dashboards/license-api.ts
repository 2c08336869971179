// The ADR's license API dashboard, corrected: time series panels (the `graph` panel is gone), rates
// read from the recording rules, latency quantiles of histograms summed by `le`, the error ratio of
// two sums by tier (the raw counters' label sets never match), and seat utilisation against the
// configured seat limit instead of a hard-coded 50. No default view has one series per license key.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type { StackConfig } from "../config";
import {
  buildDashboard,
  datasourceVariable,
  instanceVariable,
  Layout,
  licenseVariable,
  panels,
  statPanel,
  tierVariable,
  timeSeriesPanel,
  type DashboardModel,
} from "./common";
import { DASHBOARDS, quantileName, QUANTILES, selectors } from "../lib/identities";

const P = DASHBOARDS.licenseApi.panels;

export function licenseApiDashboard(c: StackConfig): DashboardModel {
  const t = c.alerts;
  const { api } = selectors(c);
  const tier = `tier=~"$tier"`;
  const license = `license_key=~"$license"`;
  const target = `${api}, instance=~"$instance"`;
  const layout = new Layout();
  const top = panels(layout, [
    [
      timeSeriesPanel,
      {
        id: P.requestRate,
        title: "Validation requests by tier",
        description: "License validations per second, by pricing tier (recording rule tier:license_validation_requests:rate5m).",
        unit: "reqps",
        min: 0,
        queries: [
          { expr: `sum by (tier) (tier:license_validation_requests:rate5m{${tier}})`, legend: "{{tier}}" },
          { expr: `sum(tier:license_validation_requests:rate5m{${tier}})`, legend: "total" },
        ],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: P.latency,
        title: "Validation latency p50 / p95 / p99",
        description: `Quantiles of the latency histogram summed by le across replicas and endpoints. HighLatency fires when p95 stays above ${t.latencyP95Seconds.threshold}s for ${t.latencyP95Seconds.for}.`,
        unit: "s",
        min: 0,
        steps: [[t.latencyP95Seconds.threshold, "red"]],
        queries: QUANTILES.map((q) => ({
          expr: `license_validation_latency_seconds:${quantileName(q)}_5m`,
          legend: quantileName(q),
        })),
      },
    ],
    [
      timeSeriesPanel,
      {
        id: P.errorRatio,
        title: "Validation error ratio by tier",
        description: `Failed validations over all validations, each summed by tier before dividing. HighErrorRate fires above ${t.errorRate.threshold * 100}% for ${t.errorRate.for}. Invalid or revoked keys are correct answers, not errors.`,
        unit: "percentunit",
        min: 0,
        steps: [[t.errorRate.threshold, "red"]],
        queries: [{ expr: `tier:license_validation_error_ratio:rate5m{${tier}}`, legend: "{{tier}}" }],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: P.activeSessions,
        title: "Active sessions and seat denials",
        description: `Sessions in use across the licenses matching the license filter, the busiest single license, and seat denials per second (FrequentSeatDenials fires above ${t.seatDenialsPerSecond.threshold}/s for one license).`,
        unit: "short",
        min: 0,
        queries: [
          { expr: `sum(license_tenant:active_sessions:max{${license}})`, legend: "active sessions (all licenses)" },
          { expr: `max(license_tenant:active_sessions:max{${license}})`, legend: "busiest license" },
          { expr: `max(license_tenant:seat_denials:rate5m{${license}})`, legend: "seat denials/s (worst license)" },
        ],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: P.seatUtilisation,
        title: `Seat utilisation (limit ${c.licenseApi.seatLimit} seats per license)`,
        description: `Active sessions over the configured seat limit (${c.licenseApi.seatLimit}): the fullest license and the median one. SeatExhaustion fires above ${t.seatUtilisation.threshold * 100}% for ${t.seatUtilisation.for}.`,
        unit: "percentunit",
        min: 0,
        max: 1,
        base: "green",
        steps: [
          [t.seatUtilisation.threshold, "orange"],
          [1, "red"],
        ],
        queries: [
          { expr: `max(license_tenant:seat_utilisation:ratio{${license}})`, legend: "fullest license" },
          { expr: `quantile(0.5, license_tenant:seat_utilisation:ratio{${license}})`, legend: "median license" },
        ],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: P.validationFailures,
        title: "Invalid and revoked keys by tier",
        description: `Validations answered invalid or revoked. A spike above ${c.alerts.failedValidationSpike.factor}x the ${c.alerts.failedValidationSpike.baseline} average (and over ${c.alerts.failedValidationSpike.minPerSecond}/s) fires SuspiciousValidationFailures: possible key guessing or a leaked, revoked key.`,
        unit: "reqps",
        min: 0,
        steps: [[c.alerts.failedValidationSpike.minPerSecond, "orange"]],
        queries: [
          {
            expr: `sum by (tier, status) (status_tier:license_validation_requests:rate5m{status=~"invalid|revoked", ${tier}})`,
            legend: "{{tier}} {{status}}",
          },
        ],
      },
    ],
    [
      statPanel,
      {
        id: 7,
        title: "Licenses near their seat limit",
        description: `Licenses above ${t.seatUtilisation.threshold * 100}% of their ${c.licenseApi.seatLimit} seats now.`,
        unit: "short",
        w: 6,
        base: "green",
        steps: [[1, "orange"]],
        queries: [
          {
            expr: `count(license_tenant:seat_utilisation:ratio{${license}} > ${t.seatUtilisation.threshold}) or vector(0)`,
            legend: "licenses",
            instant: true,
          },
        ],
      },
    ],
    [
      statPanel,
      {
        id: 8,
        title: "API replicas up",
        description: "Scrape targets of the license API that answered their last scrape.",
        unit: "short",
        w: 6,
        base: "red",
        steps: [[1, "green"]],
        queries: [{ expr: `sum(up{${target}}) or vector(0)`, legend: "up", instant: true }],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: 9,
        title: "p95 latency by endpoint",
        description: "p95 validation latency per endpoint (recording rule endpoint:license_validation_latency_seconds:p95_5m).",
        unit: "s",
        min: 0,
        steps: [[t.latencyP95Seconds.threshold, "red"]],
        queries: [{ expr: "endpoint:license_validation_latency_seconds:p95_5m", legend: "{{endpoint}}" }],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: 10,
        title: "Validation requests by instance",
        description: "Per replica, from the raw series (narrowed by the instance and tier variables): one replica slower or busier than the rest points at the pod, not the API.",
        unit: "reqps",
        min: 0,
        w: 24,
        queries: [
          {
            expr: `sum by (instance) (rate(license_validation_requests_total{${target}, ${tier}}[$__rate_interval]))`,
            legend: "{{instance}} req/s",
          },
        ],
      },
    ],
  ]);

  // Collapsed: its queries run only when a reader opens it, usually with the license filter set.
  const rowPos = layout.row();
  const selected = new dashboard.RowBuilder("Selected license (set the license filter)")
    .id(20)
    .collapsed(true)
    .gridPos(rowPos);
  for (const p of panels(layout, [
    [
      timeSeriesPanel,
      {
        id: 21,
        title: "Validations of the selected licenses by status",
        description: "Raw counters filtered by the license filter and summed by status: still one series per status, not per license.",
        unit: "reqps",
        min: 0,
        queries: [
          {
            expr: `sum by (status) (rate(license_validation_requests_total{${api}, ${license}, ${tier}}[$__rate_interval]))`,
            legend: "{{status}}",
          },
        ],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: 22,
        title: "Seat acquisitions of the selected licenses",
        description: "Seat acquisitions per second by outcome, for licenses matching the license filter.",
        unit: "ops",
        min: 0,
        queries: [
          {
            expr: `sum by (success) (rate(seat_acquisitions_total{${api}, ${license}}[$__rate_interval]))`,
            legend: "success={{success}}",
          },
        ],
      },
    ],
  ])) {
    selected.withPanel(p);
  }

  return buildDashboard(c, {
    key: "licenseApi",
    title: "License API",
    description: "Traffic, latency, errors and seats of the CODITECT license API (ADR-019, corrected).",
    variables: [datasourceVariable(c), tierVariable(), instanceVariable(c), licenseVariable()],
    panels: top,
    rows: [selected],
  });
}
