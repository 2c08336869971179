// Everything whose cost grows with the number of licenses' seat gauges, in one group at its own
// cadence (alerts.perLicense.evaluationInterval): SeatExhaustion, computed per license where it is
// read, and the few aggregates the seat panels draw by default. Nothing here writes a series per
// license: at a million licenses a per-license recording is a million new samples per evaluation, and a
// 6-hour chart of it is past Prometheus's 50M-sample query limit. Prometheus evaluates groups
// concurrently: this work neither delays a page nor can make one skip an evaluation.
import type { StackConfig } from "../config";
import { alert, record } from "./build";
import type { RuleGroup } from "./types";
import { LICENSE_IN_TEMPLATE, panelUrl, SEAT_AGGREGATES as A, selectors } from "../lib/identities";
import { seatSeries } from "../lib/seat-series";

export function perLicenseRules(c: StackConfig): RuleGroup {
  const t = c.alerts;
  const seats = seatSeries(c);
  const threshold = t.seatUtilisation.threshold;
  return {
    name: "license-api.per-license",
    interval: t.perLicense.evaluationInterval,
    rules: [
      alert(c, "SeatExhaustion", seats.heldAbove(threshold), {
        for: t.seatUtilisation.for,
        severity: "warning",
        summary: `License ${LICENSE_IN_TEMPLATE} near its seat limit`,
        description: `{{ $value | humanizePercentage }} of the seats of license ${LICENSE_IN_TEMPLATE} (tenant {{ $labels.tenant_id }}) are in use.`,
        runbook: "seatexhaustion",
        dashboard: panelUrl(c, "licenseApi", "seatUtilisation"),
      }),
      record(A.sessionsTotal, `sum(${seats.sessions})`),
      record(A.sessionsBusiest, `max(${seats.sessions})`),
      record(A.utilisationFullest, `max(${seats.utilisation})`),
      record(A.utilisationMedian, `quantile(0.5, ${seats.utilisation})`),
      // 0 while licenses report and none is near its limit; nothing when none reports at all.
      record(A.nearLimit, `count(${seats.utilisationAbove(threshold)}) or 0 * ${A.utilisationFullest}`),
      ...(t.perLicense.evaluator === "managed" ? [seatsNotCollected(c)] : []),
    ],
  };
}

/**
 * Where the managed rule evaluator runs this group, it reads the seats exporter only as the managed
 * collector scrapes it into Monarch. The cluster's Prometheus scrapes the exporter too, so nothing of
 * the cluster notices when the collector does not (a PodMonitoring whose selector or port name misses
 * the pods, a NetworkPolicy shutting out gmp-system, an API still on ADR-019's labels, which Monarch
 * never sees): SeatExhaustion and SeatLimitForecast would be silent for want of data. This says so.
 */
function seatsNotCollected(c: StackConfig) {
  return alert(c, "SeatsNotCollected", `absent(up{${selectors(c).seats}} == 1)`, {
    for: "10m",
    severity: "warning",
    summary: "The managed rule evaluator has no scrape of the seats exporter: seat alerts cannot fire",
    description: `No target of job ${selectors(c).seats} has been up in Managed Service for Prometheus for 10 minutes: SeatExhaustion and SeatLimitForecast, evaluated there, have nothing to read.`,
    runbook: "seatsnotcollected",
    dashboard: panelUrl(c, "licenseApi", "seatUtilisation"),
  });
}
