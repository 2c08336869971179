// The seat forecast, in a group of its own at a slow cadence (alerts.forecast.evaluationInterval):
// predict_linear over hours of every license's utilisation is the costliest rule the stack has, and a
// forecast hours ahead moves little between two evaluations minutes apart. It is computed where it is
// read (the alert and the two aggregates the capacity panels draw), never recorded per license.
import type { StackConfig } from "../config";
import { alert, record } from "./build";
import type { RuleGroup } from "./types";
import { LICENSE_IN_TEMPLATE, panelUrl, PER_LICENSE, SEAT_FORECAST as S } from "../lib/identities";
import { seatSeries } from "../lib/seat-series";

export function seatForecastRules(c: StackConfig): RuleGroup {
  const f = c.alerts.forecast;
  const seats = seatSeries(c);
  return {
    name: "license-api.seat-forecast",
    interval: f.evaluationInterval,
    rules: [
      record(S.fullest, `max(${seats.forecast})`),
      record(S.atLimit, `count(${seats.forecast} >= 1) or 0 * ${S.fullest}`),
      alert(
        c,
        "SeatLimitForecast",
        `max by (${PER_LICENSE}) (${seats.forecast} >= 1)
         unless on (${PER_LICENSE}) (${seats.utilisationAbove(c.alerts.seatUtilisation.threshold)})`,
        {
          for: f.for,
          severity: "warning",
          summary: `License ${LICENSE_IN_TEMPLATE} will reach its seat limit within ${f.horizon}`,
          description: `At the trend of the last ${f.lookback}, license ${LICENSE_IN_TEMPLATE} (tenant {{ $labels.tenant_id }}) uses {{ $value | humanizePercentage }} of its seats in ${f.horizon}.`,
          runbook: "seatlimitforecast",
          dashboard: panelUrl(c, "capacity", "seatForecast"),
        },
      ),
    ],
  };
}
