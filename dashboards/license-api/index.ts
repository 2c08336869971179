// The ADR's license API dashboard, corrected: time series panels (the `graph` panel is gone), rates
// read from the recording rules, latency quantiles of histograms summed by `le`, the error ratio of
// two sums by tier (the raw counters' label sets never match), and seat utilisation against the
// configured seat limit instead of a hard-coded 50. No default view has one series per license key.
// One module per row; this one lays them out in order.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import type { StackConfig } from "../../config";
import { buildDashboard, instanceVariable, Layout, licenseVariable, panels, tierVariable, type DashboardModel } from "../common";
import { rowContext } from "./context";
import { replicaPanels } from "./replicas";
import { seatPanels } from "./seats";
import { selectedLicensePanels } from "./selected-license";
import { trafficPanels } from "./traffic";

export function licenseApiDashboard(c: StackConfig): DashboardModel {
  const ctx = rowContext(c);
  const layout = new Layout();
  const top = panels(layout, [...trafficPanels(ctx), ...seatPanels(ctx), ...replicaPanels(ctx)]);

  // Collapsed: its queries run only when a reader opens it, usually with the license filter set.
  const selected = new dashboard.RowBuilder("Selected license (set the license filter)").id(20).collapsed(true).gridPos(layout.row());
  for (const p of panels(layout, selectedLicensePanels(ctx))) selected.withPanel(p);

  return buildDashboard(c, {
    key: "licenseApi",
    title: "License API",
    description: "Traffic, latency, errors and seats of the CODITECT license API (ADR-019, corrected).",
    variables: [tierVariable(c), instanceVariable(c), licenseVariable()],
    panels: top,
    rows: [selected],
  });
}
