// The collapsed "selected license" row: its queries run only when a reader opens it, usually with the
// license filter set. The only panels that read per-license series: the rows above read aggregates.
import { PER_LICENSE } from "../../lib/identities";
import { seatSeries } from "../../lib/seat-series";
import { LICENSE_FILTER, narrowedToLicense, orZeroWhere, seatUtilisationSteps, timeSeriesPanel, type PanelEntry } from "../common";
import type { RowContext } from "./context";

// Only an API labelling its counters as ADR-019 does has per-license validations and seat acquisitions:
// the metric contract's counters carry no license label, so with one license selected these panels are
// empty, and the seat row above is where that license's sessions, utilisation and denials are.
export function selectedLicensePanels({ c, t, api, tier }: RowContext): PanelEntry[] {
  const seats = seatSeries(c, LICENSE_FILTER);
  const sessions = `(${seats.sessions})`;
  const denials = narrowedToLicense((m) => `sum by (${PER_LICENSE}) (rate(seat_denials_total{${api}, ${m}}[$__rate_interval]))`);
  const f = t.forecast;
  return [
    [
      timeSeriesPanel,
      {
        id: 23,
        title: "Sessions and seat denials of the selected licenses",
        description: `Sessions in use across the licenses matching the license filter and the busiest of them (left axis), and the most any of them is denied seats per second (right axis; FrequentSeatDenials fires above ${t.seatDenialsPerSecond.threshold}/s for one license).`,
        unit: "short",
        min: 0,
        queries: [
          { expr: `sum(${sessions})`, legend: "active sessions" },
          { expr: `max(${sessions})`, legend: "busiest license" },
          { expr: orZeroWhere(`max(${denials})`, `max(${sessions})`), legend: "seat denials (worst license)", unit: "reqps" },
        ],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: 24,
        title: "Seat utilisation of the selected licenses, now and forecast",
        description: `The fullest of the licenses matching the license filter against its own seat limit, and the highest any of them reaches in ${f.horizon} at the trend of the last ${f.lookback} (once its samples span half that lookback). Both are computed here for the selected licenses: nothing records them per license. SeatExhaustion fires above ${t.seatUtilisation.threshold * 100}%.`,
        unit: "percentunit",
        min: 0,
        steps: seatUtilisationSteps(t),
        queries: [
          { expr: `max(${seats.utilisation})`, legend: "fullest license now" },
          { expr: `max(${seats.forecast})`, legend: `fullest license in ${f.horizon}` },
        ],
      },
    ],
    [
      timeSeriesPanel,
      {
        id: 21,
        title: "Validations of the selected licenses by status",
        description: "Raw counters filtered by the license filter and summed by status: still one series per status, not per license. Per license only under ADR-019's labels; the metric contract's request counter has no license label.",
        unit: "reqps",
        min: 0,
        queries: [
          {
            expr: `sum by (status) ${narrowedToLicense((m) => `rate(license_validation_requests_total{${api}, ${m}, ${tier}}[$__rate_interval])`)}`,
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
        description: "Seat acquisitions per second by outcome, for licenses matching the license filter. Per license only under ADR-019's labels; the metric contract's counter has no license label.",
        unit: "ops",
        min: 0,
        queries: [
          {
            expr: `sum by (success) ${narrowedToLicense((m) => `rate(seat_acquisitions_total{${api}, ${m}}[$__rate_interval])`)}`,
            legend: "success={{success}}",
          },
        ],
      },
    ],
  ];
}
