// Seats and keys: sessions and denials, seat utilisation against the limit, invalid and revoked keys, the licenses nearest their limit.
// Every panel here reads the recorded aggregates (rules/per-license.ts, rules/seat-denials.ts), never a
// per-license series, where they are recorded (aggregateQuery): the license filter narrows the
// "Selected license" row instead.
import { DASHBOARDS, SEAT_AGGREGATES as A } from "../../lib/identities";
import { aggregateQuery, seatUtilisationSteps, statPanel, timeSeriesPanel, type PanelEntry } from "../common";
import type { RowContext } from "./context";

export function seatPanels({ c, t, tier }: RowContext): PanelEntry[] {
  return [
    [
      timeSeriesPanel,
      {
        id: DASHBOARDS.licenseApi.panels.activeSessions,
        title: "Active sessions and seat denials",
        description: `Sessions in use across all licenses and the busiest single license (left axis), and the worst license's seat denials per second (right axis; FrequentSeatDenials fires above ${t.seatDenialsPerSecond.threshold}/s for one license). The licenses the license filter selects: the Selected license row.`,
        unit: "short",
        min: 0,
        queries: [
          aggregateQuery(c, A.sessionsTotal, { legend: "active sessions (all licenses)" }),
          aggregateQuery(c, A.sessionsBusiest, { legend: "busiest license" }),
          // Units per second against sessions in the hundreds: on an axis of their own.
          aggregateQuery(c, A.denialsWorst, { legend: "seat denials (worst license)", unit: "reqps" }),
        ],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: DASHBOARDS.licenseApi.panels.seatUtilisation,
        title: "Seat utilisation (each license against its own seat limit)",
        description: `Each license's share of the seats the API enforces for it (license_seat_utilisation_ratio, from the seats exporter; ${c.licenseApi.seatLimit} seats each while the API exports ADR-019's labels): the fullest license and the median one, of all licenses. SeatExhaustion fires above ${t.seatUtilisation.threshold * 100}% for ${t.seatUtilisation.for}. The licenses the license filter selects: the Selected license row.`,
        unit: "percentunit",
        min: 0,
        max: 1,
        base: "green",
        steps: seatUtilisationSteps(t),
        queries: [
          aggregateQuery(c, A.utilisationFullest, { legend: "fullest license" }),
          aggregateQuery(c, A.utilisationMedian, { legend: "median license" }),
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
        description: `Licenses above ${t.seatUtilisation.threshold * 100}% of their own seat limit now.`,
        unit: "short",
        w: 6,
        base: "green",
        steps: [[1, "orange"]],
        queries: [
          aggregateQuery(c, A.nearLimit, { legend: "licenses", instant: true }),
        ],
      },
    ],
  ];
}
