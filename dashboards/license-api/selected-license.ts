// The collapsed "selected license" row: its queries run only when a reader opens it, usually with the license filter set.
import { narrowedToLicense, timeSeriesPanel, type PanelEntry } from "../common";
import type { RowContext } from "./context";

// Only an API labelling its counters as ADR-019 does has per-license validations and seat acquisitions:
// the metric contract's counters carry no license label, so with one license selected these panels are
// empty, and the seat row above is where that license's sessions, utilisation and denials are.
export function selectedLicensePanels({ api, tier }: RowContext): PanelEntry[] {
  return [
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
