// The seat forecast, at its group's own evaluation interval: promtool evaluates every group at its test
// file's interval. Each case starts on an empty Prometheus, as after a restart on a fresh volume. The
// seats exporter's series are sampled at its scrape interval; ADR-019's per-replica series at the API's.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { PER_LICENSE, SEAT_FORECAST } from "../../lib/identities";
import { seatSeries } from "../../lib/seat-series";
import { cadence, fixtures } from "./fixtures";
import { alertRule, approx, at, check, evalAtOrAfter, expr, firesAfterFor, fireTime, firing, linear, testFile, type PromtoolTestFile, type TestGroup } from "./promtool";

export function seatForecastTests(c: StackConfig): PromtoolTestFile {
  const every = c.alerts.forecast.evaluationInterval;
  const f = fixtures(c);
  const t = c.alerts;
  const evalEvery = seconds(every);
  const exporter = cadence(c, { step: seconds(c.licenseApi.seats.scrapeInterval), evalEvery });
  const replicas = cadence(c, { step: seconds(c.licenseApi.scrapeInterval), evalEvery });
  const rule = alertRule(c, "SeatLimitForecast");
  const horizon = seconds(t.forecast.horizon);
  const lookback = seconds(t.forecast.lookback);
  const limit = c.licenseApi.seatLimit;
  // One series per license, as the alert reads it: the seats exporter's also carry its target labels.
  const forecast = `max by (${PER_LICENSE}) (${seatSeries(c).forecast})`;
  /**
   * The first evaluation at which a license's samples span half the lookback: for the seats exporter,
   * half the lookback of its scrapes; for ADR-019's replicas, of the forecast's own evaluations.
   */
  const seasoned = {
    exporter: firstEvalWith((x) => Math.floor(x / exporter.step) + 1 >= Math.floor(lookback / 2 / exporter.step)),
    replicas: firstEvalWith((x) => x / evalEvery + 1 >= Math.ceil(lookback / 2 / evalEvery) + 1),
  };
  /** Where a forecast from a license's first samples, one evaluation in, would fire: silent cases check there. */
  const rawFires = fireTime(rule, evalEvery, evalEvery);
  const acme = { license_key: "lic-ent-0001", tenant_id: "tenant-acme" };
  const hooli = { license_id: "lic-7f3a91", tenant_id: "tenant-hooli" };
  const initech = { license_id: "lic-0c5e02", tenant_id: "tenant-initech" };
  const noForecast = (x: number) => expr(forecast, x, []);

  /** A license's two seats exporter series, its limit `limit` seats. */
  const exported = (license: Record<string, string>, start: number, perStep: number, steps: number) =>
    f.seatsOf(license, linear(start, perStep, steps), linear(start / limit, perStep / limit, steps));

  return testFile(c, every, [steadyRamp(), steadyRampReplicas(), freshPrometheus(), newLicense(), atLimit()]);

  function firstEvalWith(holds: (x: number) => boolean): number {
    for (let x = 0; ; x += evalEvery) if (holds(x)) return x;
  }

  /**
   * Sessions rising at a dyadic step (the regression stays exact) from a quarter of the seat threshold,
   * below the threshold until `until` (never SeatExhaustion's), forecast to reach the limit within the
   * horizon from `from` on.
   */
  function ramp(step: number, from: number, until: number) {
    const start = Math.floor((limit * t.seatUtilisation.threshold) / 4);
    const perStep = Math.floor(((limit * t.seatUtilisation.threshold * 0.95 - start) / until) * step * 1024) / 1024;
    const sessions = (x: number) => start + (perStep * x) / step;
    if (sessions(from) + (perStep / step) * horizon < limit) throw new Error("the ramp reaches no limit within the horizon: choose another for this config");
    return { start, perStep, forecast: (x: number) => (sessions(x) + (perStep / step) * horizon) / limit };
  }

  function steadyRamp(): TestGroup {
    const onset = seasoned.exporter;
    const end = fireTime(rule, onset, evalEvery);
    const r = ramp(exporter.step, onset, end);
    return {
      name: "SeatLimitForecast (seats exporter): utilisation rising steadily since Prometheus started reaches the limit within the horizon; forecast once its samples span half the lookback",
      interval: at(exporter.step),
      input_series: exported(hooli, r.start, r.perStep, exporter.stepsUntil(end)),
      alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset, alert: firing(rule, hooli, r.forecast(end)) }]),
      promql_expr_test: [
        noForecast(onset - evalEvery),
        expr(SEAT_FORECAST.fullest, onset - evalEvery, []),
        approx(forecast, onset, hooli, r.forecast(onset)),
        // The two series the capacity dashboard draws by default.
        approx(SEAT_FORECAST.fullest, onset, {}, r.forecast(onset)),
        approx(SEAT_FORECAST.atLimit, onset, {}, 1),
      ],
    };
  }

  function steadyRampReplicas(): TestGroup {
    const onset = seasoned.replicas;
    const end = fireTime(rule, onset, evalEvery);
    const r = ramp(replicas.step, onset, end);
    return {
      name: "SeatLimitForecast (ADR-019's labels): the same ramp on two replicas is forecast from the busiest, once it spans half the lookback",
      interval: at(replicas.step),
      input_series: ["10.4.0.17:9100", "10.4.1.23:9100"].map((instance) => f.activeSessions(acme.license_key, acme.tenant_id, linear(r.start, r.perStep, replicas.stepsUntil(end)), { instance })),
      alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset, alert: firing(rule, acme, r.forecast(end)) }]),
      promql_expr_test: [noForecast(onset - evalEvery), approx(forecast, onset, acme, r.forecast(onset))],
    };
  }

  function freshPrometheus(): TestGroup {
    // A steep rise from half the seat threshold: its forecast crosses the limit from its first samples.
    const start = Math.floor((limit * t.seatUtilisation.threshold) / 2);
    const perStep = Math.ceil(((limit + 1 - start) / horizon) * exporter.step * 1024) / 1024;
    return {
      name: "SeatLimitForecast silent, no forecast: minutes of steeply rising sessions on a Prometheus just started",
      interval: at(exporter.step),
      input_series: exported(hooli, start, perStep, exporter.stepsUntil(rawFires)),
      alert_rule_test: [check(rule.alert, rawFires)],
      // No license has a forecast yet: nothing is counted (the panel reads that as 0).
      promql_expr_test: [noForecast(evalEvery), noForecast(rawFires), expr(SEAT_FORECAST.atLimit, rawFires, [])],
    };
  }

  function newLicense(): TestGroup {
    // One license with a full lookback of steady sessions, then another appears and climbs steeply.
    const appears = evalAtOrAfter(lookback, evalEvery);
    const end = appears + rawFires;
    const level = Math.floor((limit * t.seatUtilisation.threshold) / 2);
    const perStep = Math.ceil(((limit + 1 - level) / horizon) * exporter.step * 1024) / 1024;
    const missing = appears / exporter.step;
    const steps = exporter.stepsUntil(end) - missing - 1;
    return {
      name: "SeatLimitForecast silent: a license that appears on a Prometheus with a lookback of others' history is no trend yet",
      interval: at(exporter.step),
      input_series: [
        ...exported(initech, level, 0, exporter.stepsUntil(end)),
        ...f.seatsOf(hooli, `_x${missing} ${linear(level, perStep, steps)}`, `_x${missing} ${linear(level / limit, perStep / limit, steps)}`),
      ],
      alert_rule_test: [check(rule.alert, end)],
      // The steady license's forecast, and only it: promtool compares the whole result.
      promql_expr_test: [approx(forecast, appears + evalEvery, initech, level / limit), approx(forecast, end, initech, level / limit)],
    };
  }

  function atLimit(): TestGroup {
    const busy = Math.floor(limit * t.seatUtilisation.threshold) + 1;
    const end = fireTime(rule, seasoned.exporter, evalEvery);
    return {
      name: "SeatLimitForecast silent: a license already past the seat threshold is SeatExhaustion's, not a forecast",
      interval: at(exporter.step),
      input_series: exported(hooli, busy, 1 / 64, exporter.stepsUntil(end)),
      alert_rule_test: [check(rule.alert, end)],
      promql_expr_test: [expr(`${forecast} >= bool 1`, end, [{ labels: `{license_id="${hooli.license_id}", tenant_id="${hooli.tenant_id}"}`, value: 1 }])],
    };
  }
}
