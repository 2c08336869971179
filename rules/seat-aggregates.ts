// The few series the seat panels draw by default, recorded from the per-license group's series once per
// dashboard refresh: a default view then reads one series where it would read one per license (at a
// million licenses, a 6-hour chart of those is past Prometheus's 50M-sample query limit). Only the
// collapsed "Selected license" row reads per-license series, narrowed by the license filter.
import type { StackConfig } from "../config";
import { record } from "./build";
import type { RuleGroup } from "./types";
import { DASHBOARD_REFRESH, SEAT_AGGREGATES as A } from "../lib/identities";

export function seatAggregateRules(c: StackConfig): RuleGroup {
  const utilisation = "license_tenant:seat_utilisation:ratio";
  const sessions = "license_tenant:active_sessions:max";
  return {
    name: "license-api.seat-aggregates",
    interval: DASHBOARD_REFRESH,
    rules: [
      record(A.sessionsTotal, `sum(${sessions})`),
      record(A.sessionsBusiest, `max(${sessions})`),
      record(A.utilisationFullest, `max(${utilisation})`),
      record(A.utilisationMedian, `quantile(0.5, ${utilisation})`),
      // 0 while licenses report and none is near its limit; nothing when none reports at all.
      record(A.nearLimit, `count(${utilisation} > ${c.alerts.seatUtilisation.threshold}) or 0 * count(${utilisation})`),
      // A license's denials counter appears at its first denial: none denied reads 0.
      record(A.denialsWorst, `max(license_tenant:seat_denials:rate5m) or 0 * max(${sessions})`),
    ],
  };
}
