// Everything whose cost grows with the number of licenses, in one group at its own cadence
// (alerts.perLicense.evaluationInterval): each license's sessions, seat limit, utilisation and seat
// denials, and the two alerts about one license. Prometheus evaluates groups concurrently, rules within
// a group one after another: apart from the request-rate, SLO and outage groups, this work neither
// delays a page nor can make one skip an evaluation. The alerts come right after the series they read,
// so they see this evaluation's values. Seat alerts are warnings that hold for minutes: a cadence
// slower than the scrape costs them nothing.
import type { StackConfig } from "../config";
import { alert, record } from "./build";
import type { RuleGroup } from "./types";
import { LICENSE_IN_TEMPLATE, panelUrl, PER_LICENSE, selectors } from "../lib/identities";

export function perLicenseRules(c: StackConfig): RuleGroup {
  const { api } = selectors(c);
  const t = c.alerts;
  return {
    name: "license-api.per-license",
    interval: t.perLicense.evaluationInterval,
    rules: [
      // The gauge is the license's count (read from Redis), the same on every replica: max, not sum.
      record("license_tenant:active_sessions:max", `max by (${PER_LICENSE}) (active_sessions{${api}})`),
      // Each license's own seat limit; the config's only for a license that reports none (or 0).
      record(
        "license_tenant:seat_limit:effective",
        `max by (${PER_LICENSE}) (license_seat_limit{${api}} > 0)
         or license_tenant:active_sessions:max * 0 + ${c.licenseApi.seatLimit}`,
      ),
      record("license_tenant:seat_utilisation:ratio", "license_tenant:active_sessions:max / license_tenant:seat_limit:effective"),
      record("license_tenant:seat_denials:rate5m", `sum by (${PER_LICENSE}) (rate(seat_denials_total{${api}}[5m]))`),
      alert(c, "SeatExhaustion", `license_tenant:seat_utilisation:ratio > ${t.seatUtilisation.threshold}`, {
        for: t.seatUtilisation.for,
        severity: "warning",
        summary: `License ${LICENSE_IN_TEMPLATE} near its seat limit`,
        description: `{{ $value | humanizePercentage }} of the seats of license ${LICENSE_IN_TEMPLATE} (tenant {{ $labels.tenant_id }}) are in use: its own limit, or ${c.licenseApi.seatLimit} if it reports none.`,
        runbook: "seatexhaustion",
        dashboard: panelUrl(c, "licenseApi", "seatUtilisation"),
      }),
      alert(c, "FrequentSeatDenials", `license_tenant:seat_denials:rate5m > ${t.seatDenialsPerSecond.threshold}`, {
        for: t.seatDenialsPerSecond.for,
        severity: "warning",
        summary: `Frequent seat denials for license ${LICENSE_IN_TEMPLATE}`,
        description: `{{ $value | printf "%.2f" }} seat denials per second for tenant {{ $labels.tenant_id }}.`,
        runbook: "frequentseatdenials",
        dashboard: panelUrl(c, "licenseApi", "activeSessions"),
      }),
    ],
  };
}
