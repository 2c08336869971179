// The per-license seat forecast, at its group's own evaluation interval: promtool evaluates every group
// at its test file's interval, and the forecast's bar of history is counted in its own evaluations.
// Each case starts on an empty Prometheus, as after a restart on a fresh volume.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { SEAT_FORECAST_SERIES } from "../../lib/identities";
import { cadence, fixtures } from "./fixtures";
import { alertRule, approx, at, check, evalAtOrAfter, expr, firesAfterFor, fireTime, firing, linear, testFile, type PromtoolTestFile, type TestGroup } from "./promtool";

export function seatForecastTests(c: StackConfig): PromtoolTestFile {
  const every = c.alerts.forecast.evaluationInterval;
  const f = fixtures(c);
  const { step, evalEvery, stepsUntil } = cadence(c, { step: seconds(c.licenseApi.scrapeInterval), evalEvery: seconds(every) });
  const t = c.alerts;
  const rule = alertRule(c, "SeatLimitForecast");
  const horizon = seconds(t.forecast.horizon);
  const lookback = seconds(t.forecast.lookback);
  const limit = c.licenseApi.seatLimit;
  const forecastSeries = SEAT_FORECAST_SERIES.utilisation;
  /** The first evaluation at which a license's recorded sessions span half the lookback. */
  const seasoned = evalAtOrAfter(lookback / 2, evalEvery);
  /** Where the alert fires once its history suffices; a silent case checks there too. */
  const seasonedFires = fireTime(rule, seasoned, evalEvery);
  /**
   * Where a forecast from a license's first two samples, one evaluation in, would fire: a case in which
   * only that is wrong stays silent there.
   */
  const rawFires = fireTime(rule, evalEvery, evalEvery);
  /** Sessions per sample: a dyadic step keeps the series, and so the regression, exact. */
  const dyadic = (perSecond: number) => Math.ceil(perSecond * step * 1024) / 1024;
  /** A steep rise from half the seat threshold: its forecast crosses the limit from its first two points. */
  const steepStart = Math.floor((limit * t.seatUtilisation.threshold) / 2);
  const steep = { start: steepStart, perStep: dyadic((limit + 1 - steepStart) / horizon) };
  const acme = { license_key: "lic-ent-0001", tenant_id: "tenant-acme" };
  const hooli = { license_id: "lic-7f3a91", tenant_id: "tenant-hooli" };
  const noForecast = (at: number) => expr(forecastSeries, at, []);

  return testFile(c, every, [steadyRamp(), freshPrometheus(), newLicense(), ownLimit(), atLimit()]);

  /**
   * A rise that stays below the seat threshold until `until` (never SeatExhaustion's) and is forecast
   * to reach the limit within the horizon from the first evaluation the forecast may speak at on.
   */
  function ramp(until: number) {
    const start = Math.floor((limit * t.seatUtilisation.threshold) / 4);
    const perStep = Math.floor((((limit * t.seatUtilisation.threshold * 0.95 - start) / until) * step * 1024)) / 1024;
    const sessions = (x: number) => start + (perStep * x) / step;
    if (sessions(seasoned) + (perStep / step) * horizon < limit) throw new Error("the ramp reaches no limit within the horizon: choose another for this config");
    return { start, perStep, sessions, forecast: (x: number) => (sessions(x) + (perStep / step) * horizon) / limit };
  }

  function steadyRamp(): TestGroup {
    const end = seasonedFires;
    const r = ramp(end);
    return {
      name: "SeatLimitForecast: sessions rising steadily since Prometheus started reach the limit within the horizon; forecast once they span half the lookback",
      interval: at(step),
      input_series: [f.activeSessions(acme.license_key, acme.tenant_id, linear(r.start, r.perStep, stepsUntil(end)))],
      alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset: seasoned, alert: firing(rule, acme, r.forecast(end)) }]),
      promql_expr_test: [
        noForecast(seasoned - evalEvery),
        expr(SEAT_FORECAST_SERIES.fullest, seasoned - evalEvery, []),
        approx(forecastSeries, seasoned, acme, r.forecast(seasoned)),
        // The one series the capacity dashboard draws by default.
        approx(SEAT_FORECAST_SERIES.fullest, seasoned, {}, r.forecast(seasoned)),
      ],
    };
  }

  function freshPrometheus(): TestGroup {
    return {
      name: "SeatLimitForecast silent, no forecast: minutes of steeply rising sessions on a Prometheus just started",
      interval: at(step),
      input_series: [f.activeSessions(acme.license_key, acme.tenant_id, linear(steep.start, steep.perStep, stepsUntil(rawFires)))],
      alert_rule_test: [check(rule.alert, rawFires)],
      promql_expr_test: [noForecast(evalEvery), noForecast(rawFires)],
    };
  }

  function newLicense(): TestGroup {
    // One license with a full lookback of steady sessions, then another appears and climbs steeply.
    const appears = evalAtOrAfter(lookback, evalEvery);
    const end = appears + rawFires;
    const level = steep.start;
    const missing = appears / step;
    return {
      name: "SeatLimitForecast silent: a license that appears on a Prometheus with a lookback of others' history is no trend yet",
      interval: at(step),
      input_series: [
        f.activeSessions(acme.license_key, acme.tenant_id, linear(level, 0, stepsUntil(end))),
        f.sessionsOf(hooli, `_x${missing} ${linear(steep.start, steep.perStep, stepsUntil(end) - missing - 1)}`),
      ],
      alert_rule_test: [check(rule.alert, end)],
      // The steady license's forecast, and only it: promtool compares the whole result.
      promql_expr_test: [approx(forecastSeries, appears + evalEvery, acme, level / limit), approx(forecastSeries, end, acme, level / limit)],
    };
  }

  function ownLimit(): TestGroup {
    const seats = limit * 10;
    const r = ramp(seasonedFires);
    return {
      name: `SeatLimitForecast silent: a trend to ${limit} sessions on a license sold with ${seats} seats`,
      interval: at(step),
      input_series: [f.sessionsOf(hooli, linear(r.start, r.perStep, stepsUntil(seasonedFires))), f.seatLimit(hooli, linear(seats, 0, stepsUntil(seasonedFires)))],
      alert_rule_test: [check(rule.alert, seasonedFires)],
      promql_expr_test: [approx(forecastSeries, seasonedFires, hooli, (r.forecast(seasonedFires) * limit) / seats)],
    };
  }

  function atLimit(): TestGroup {
    const busy = Math.floor(limit * t.seatUtilisation.threshold) + 1;
    return {
      name: "SeatLimitForecast silent: a license already past the seat threshold is SeatExhaustion's, not a forecast",
      interval: at(step),
      input_series: [f.activeSessions(acme.license_key, acme.tenant_id, linear(busy, 1 / 64, stepsUntil(seasonedFires)))],
      alert_rule_test: [check(rule.alert, seasonedFires)],
      promql_expr_test: [expr(`${forecastSeries} >= bool 1`, seasonedFires, [{ labels: `{license_key="${acme.license_key}", tenant_id="${acme.tenant_id}"}`, value: 1 }])],
    };
  }
}
