// Seat denials, per license from the API's replicas (a counter on each, like the request counters):
// FrequentSeatDenials sums each license's rate where it alerts, and the seat panels draw the worst
// rate, recorded. A license's counter appears at its first denial, so this reads few series. It stays
// with the API's other per-replica series wherever the seat groups run (docs/capacity.md).
import type { StackConfig } from "../config";
import { alert, record } from "./build";
import type { RuleGroup } from "./types";
import { LICENSE_IN_TEMPLATE, panelUrl, PER_LICENSE, SEAT_AGGREGATES as A, selectors } from "../lib/identities";

export function seatDenialRules(c: StackConfig): RuleGroup {
  const t = c.alerts;
  const { api } = selectors(c);
  const denials = `sum by (${PER_LICENSE}) (rate(seat_denials_total{${api}}[5m]))`;
  return {
    name: "license-api.seat-denials",
    interval: t.perLicense.evaluationInterval,
    rules: [
      alert(c, "FrequentSeatDenials", `${denials} > ${t.seatDenialsPerSecond.threshold}`, {
        for: t.seatDenialsPerSecond.for,
        severity: "warning",
        summary: `Frequent seat denials for license ${LICENSE_IN_TEMPLATE}`,
        description: `{{ $value | printf "%.2f" }} seat denials per second for tenant {{ $labels.tenant_id }}.`,
        runbook: "frequentseatdenials",
        dashboard: panelUrl(c, "licenseApi", "activeSessions"),
      }),
      // None denied reads 0 while the API is scraped.
      record(A.denialsWorst, `max(${denials}) or 0 * max(up{${api}})`),
    ],
  };
}
