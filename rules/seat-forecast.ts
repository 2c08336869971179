// The per-license seat forecast, in a group of its own at a slower cadence (alerts.forecast
// .evaluationInterval): predict_linear over hours of every license's sessions is the costliest rule the
// stack has, and a forecast hours ahead changes nothing between two 15 s evaluations. It samples the
// recorded sessions once per evaluation, so the regression reads a sample per minute (not four) of
// each license, once a minute (not four times).
import type { StackConfig } from "../config";
import { seconds } from "../lib/duration";
import { alert, record } from "./build";
import type { RuleGroup } from "./types";
import { LICENSE_IN_TEMPLATE, panelUrl, PER_LICENSE, SEAT_FORECAST_SERIES } from "../lib/identities";

export function seatForecastRules(c: StackConfig): RuleGroup {
  const f = c.alerts.forecast;
  const S = SEAT_FORECAST_SERIES;
  // predict_linear reads whatever the lookback holds: minutes after a Prometheus starts on an empty
  // volume, or after a license appears, that is a short ramp, extrapolated over a horizon many times
  // its length (a few minutes of rising sessions read as a license at 1400 % of its seats). A license
  // is forecast once its recorded sessions span half the lookback, the bar the container forecasts
  // set (rules/infrastructure.ts): one sample per evaluation over half the lookback, and the first.
  // Counting the samples the regression reads anyway costs little beside it, and a restart on a kept
  // volume keeps them.
  const history = Math.ceil(seconds(f.lookback) / 2 / seconds(f.evaluationInterval)) + 1;
  return {
    name: "license-api.seat-forecast",
    interval: f.evaluationInterval,
    rules: [
      record(S.sessions, "license_tenant:active_sessions:max"),
      record(
        S.utilisation,
        `predict_linear(${S.sessions}[${f.lookback}], ${seconds(f.horizon)}) / license_tenant:seat_limit:effective
         and on (${PER_LICENSE}) count_over_time(${S.sessions}[${f.lookback}]) >= ${history}`,
      ),
      // What the capacity dashboard draws by default: one series, not one per license.
      record(S.fullest, `max(${S.utilisation})`),
      alert(
        c,
        "SeatLimitForecast",
        `${S.utilisation} >= 1
         unless on (${PER_LICENSE}) license_tenant:seat_utilisation:ratio > ${c.alerts.seatUtilisation.threshold}`,
        {
          for: f.for,
          severity: "warning",
          summary: `License ${LICENSE_IN_TEMPLATE} will reach its seat limit within ${f.horizon}`,
          description: `At the trend of the last ${f.lookback}, license ${LICENSE_IN_TEMPLATE} (tenant {{ $labels.tenant_id }}) uses {{ $value | humanizePercentage }} of its seats in ${f.horizon} (its own limit, or ${c.licenseApi.seatLimit} if it reports none).`,
          runbook: "seatlimitforecast",
          dashboard: panelUrl(c, "capacity", "seatForecast"),
        },
      ),
    ],
  };
}
