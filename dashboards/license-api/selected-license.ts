// The collapsed "selected license" row: its queries run only when a reader opens it, usually with the license filter set.
import { timeSeriesPanel, type PanelEntry } from "../common";
import type { RowContext } from "./context";

export function selectedLicensePanels({ api, tier, license }: RowContext): PanelEntry[] {
  return [
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
  ];
}
