// Seats and keys: sessions and denials, seat utilisation against the limit, invalid and revoked keys, the licenses nearest their limit.
import { DASHBOARDS } from "../../lib/identities";
import { licenseSeries, orZeroWhere, statPanel, timeSeriesPanel, type PanelEntry } from "../common";
import type { RowContext } from "./context";

export function seatPanels({ c, t, tier }: RowContext): PanelEntry[] {
  const sessions = licenseSeries("license_tenant:active_sessions:max");
  const utilisation = licenseSeries("license_tenant:seat_utilisation:ratio");
  return [
    [
      timeSeriesPanel,
      {
        id: DASHBOARDS.licenseApi.panels.activeSessions,
        title: "Active sessions and seat denials",
        description: `Sessions in use across the licenses matching the license filter and the busiest single license (left axis), and the worst license's seat denials per second (right axis; FrequentSeatDenials fires above ${t.seatDenialsPerSecond.threshold}/s for one license).`,
        unit: "short",
        min: 0,
        queries: [
          { expr: `sum(${sessions})`, legend: "active sessions (all licenses)" },
          { expr: `max(${sessions})`, legend: "busiest license" },
          // Units per second against sessions in the hundreds: on an axis of their own.
          { expr: orZeroWhere(`max(${licenseSeries("license_tenant:seat_denials:rate5m")})`, `max(${sessions})`), legend: "seat denials (worst license)", unit: "reqps" },
        ],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: DASHBOARDS.licenseApi.panels.seatUtilisation,
        title: "Seat utilisation (each license against its own seat limit)",
        description: `Active sessions over each license's own seat limit (license_seat_limit; ${c.licenseApi.seatLimit} for a license that reports none): the fullest license and the median one. SeatExhaustion fires above ${t.seatUtilisation.threshold * 100}% for ${t.seatUtilisation.for}.`,
        unit: "percentunit",
        min: 0,
        max: 1,
        base: "green",
        steps: [
          [t.seatUtilisation.threshold, "orange"],
          [1, "red"],
        ],
        queries: [
          { expr: `max(${utilisation})`, legend: "fullest license" },
          { expr: `quantile(0.5, ${utilisation})`, legend: "median license" },
        ],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: DASHBOARDS.licenseApi.panels.validationFailures,
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
        description: `Licenses above ${t.seatUtilisation.threshold * 100}% of their own seat limit now (${c.licenseApi.seatLimit} for a license that reports none).`,
        unit: "short",
        w: 6,
        base: "green",
        steps: [[1, "orange"]],
        queries: [
          {
            expr: `count(${utilisation} > ${t.seatUtilisation.threshold}) or vector(0)`,
            legend: "licenses",
            instant: true,
          },
        ],
      },
    ],
  ];
}
