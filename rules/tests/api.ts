// The license API alerts (error rate, latency, seats, security signal) and the recording rules
// dashboards read, at the rule groups' evaluation interval.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { bucketAbove, bucketBelow, cadence, fixtures, PODS, quantileOf } from "./fixtures";
import { alertRule, approx, at, check, evalAtOrAfter, expr, firesAfterFor, fireTime, firing, linear, samples, series, type TestGroup } from "./promtool";
import { quantileName, QUANTILES, SEAT_AGGREGATES, seatsJob } from "../../lib/identities";

const VALIDATE = "/api/v1/licenses/validate/";

/** Sample and evaluation interval (seconds) of tests that replay a day. */
export const DAILY = { step: 60, evalEvery: 300 };

export function apiTests(c: StackConfig): TestGroup[] {
  const f = fixtures(c);
  const { step, evalEvery, rateOnset, stepsUntil, rateAt, onsetWhen } = cadence(c);
  const t = c.alerts;
  return [
    ...errorRate(),
    ...latency(),
    ...seats(),
    ...denials(),
  ];

  function errorRate(): TestGroup[] {
    const rule = alertRule(c, "HighErrorRate");
    const fires = fireTime(rule, rateOnset, evalEvery);
    const steps = stepsUntil(fires);
    // The starter tier fails at half the threshold: its own ratio, not the enterprise tier's, decides.
    const total = 400;
    const starterErrors = Math.floor((total * t.errorRate.threshold) / 2);
    const enterprise = 8;
    const ratio = (errors: number, requests: number[]) =>
      rateAt(errors, fires, "5m") / requests.map((r) => rateAt(r, fires, "5m")).reduce((a, b) => a + b);
    return [
      {
        name: "HighErrorRate: every enterprise validation fails; only that tier pages, the ADR's unaggregated ratio stays empty",
        interval: at(step),
        input_series: [
          f.requests("lic-ent-0001", "error", "enterprise", linear(0, enterprise, steps)),
          f.errors("redis_unavailable", "enterprise", linear(0, enterprise, steps)),
          f.requests("lic-sta-0001", "valid", "starter", linear(0, total - starterErrors, steps)),
          f.requests("lic-sta-0001", "error", "starter", linear(0, starterErrors, steps)),
          f.errors("database_error", "starter", linear(0, starterErrors, steps)),
        ],
        alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset: rateOnset, alert: firing(rule, { tier: "enterprise" }, 1) }]),
        promql_expr_test: [
          approx('tier:license_validation_error_ratio:rate5m{tier="enterprise"}', fires, { tier: "enterprise" }, ratio(enterprise, [enterprise])),
          approx(
            'tier:license_validation_error_ratio:rate5m{tier="starter"}',
            fires,
            { tier: "starter" },
            ratio(starterErrors, [total - starterErrors, starterErrors]),
          ),
          // ADR-019's expression, verbatim: the two sides never share a label set, so it returns nothing.
          expr("(rate(license_validation_errors_total[5m]) / rate(license_validation_requests_total[5m])) > 0.05", fires, []),
        ],
      },
      {
        name: "HighErrorRate silent: errors at half the threshold",
        interval: at(step),
        input_series: [
          f.requests("lic-sta-0001", "valid", "starter", linear(0, total - starterErrors, steps)),
          f.requests("lic-sta-0001", "error", "starter", linear(0, starterErrors, steps)),
          f.errors("timeout", "starter", linear(0, starterErrors, steps)),
        ],
        alert_rule_test: [check(rule.alert, fires)],
      },
    ];
  }

  function latency(): TestGroup[] {
    const rule = alertRule(c, "HighLatency");
    const fires = fireTime(rule, rateOnset, evalEvery);
    const steps = stepsUntil(fires);
    const perStep = 20;
    const slow = bucketAbove("license_validation_latency_seconds", t.latencyP95Seconds.threshold);
    const fast = bucketBelow("license_validation_latency_seconds", t.latencyP95Seconds.threshold);
    const q = (quantile: number, bucket: typeof slow) => quantileOf(quantile, bucket, rateAt(perStep, fires, "5m"));
    return [
      {
        name: "HighLatency: every validation slower than the threshold",
        interval: at(step),
        input_series: f.latency(VALIDATE, slow, perStep, steps),
        alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset: rateOnset, alert: firing(rule, {}, q(0.95, slow)) }]),
        promql_expr_test: [
          approx("endpoint:license_validation_latency_seconds:p95_5m", fires, { endpoint: VALIDATE }, q(0.95, slow)),
        ],
      },
      {
        name: "HighLatency silent: p95 just under the threshold",
        interval: at(step),
        input_series: f.latency(VALIDATE, fast, perStep, steps),
        alert_rule_test: [check(rule.alert, fires)],
        promql_expr_test: QUANTILES.map((quantile) => approx(`license_validation_latency_seconds:${quantileName(quantile)}_5m`, fires, {}, q(quantile, fast))),
      },
    ];
  }

  function seats(): TestGroup[] {
    const rule = alertRule(c, "SeatExhaustion");
    const fallback = c.licenseApi.seatLimit;
    const threshold = t.seatUtilisation.threshold;
    // Gauges need no second sample: the condition holds from the first evaluation.
    const fires = fireTime(rule, 0, evalEvery);
    const steps = stepsUntil(fires);
    const busy = Math.min(fallback, Math.ceil((fallback * (threshold + 1)) / 2));
    const half = Math.floor((fallback * threshold) / 2) + 1;
    const INSTANCES = ["10.4.0.17:9100", "10.4.1.23:9100"];
    // ADR-019's labels: every replica reports the license's count from Redis, and no limit; the rules
    // take the max, never the sum, against the configured limit.
    const replicas = (key: string, tenant: string, sessions: number) =>
      INSTANCES.map((instance) => f.activeSessions(key, tenant, linear(sessions, 0, steps), { instance }));
    // The metric contract's labels: the seats exporter reports each license once, with its utilisation.
    const exported = (license: Record<string, string>, sessions: number, seats: number, values = steps) =>
      f.seatsOf(license, linear(sessions, 0, values), linear(sessions / seats, 0, values));
    const key = { license_key: "lic-ent-0001", tenant_id: "tenant-acme" };
    const large = { license_id: "lic-0c5e02", tenant_id: "tenant-initech" };
    const small = { license_id: "lic-7f3a91", tenant_id: "tenant-hooli" };
    // The seats exporter's pod replaced: the old pod's scrape ends with a staleness marker, and the new
    // one is first scraped a sample later. Halfway to firing, so a reset would show.
    const gap = Math.floor(steps / 2);
    const restarted = (license: Record<string, string>, sessions: number, seats: number) => {
      const values = (v: number) => samples(Array.from({ length: steps }, (_, k) => (k === gap ? "stale" : v)));
      return f.seatsOf(license, values(sessions), values(sessions / seats));
    };
    // Under Managed Service for Prometheus' collector (alerts.perLicense.evaluator: managed) `instance`
    // names the pod, so a rollout of the exporter ends each license's series and starts another; Monarch
    // keeps no staleness marker, the old series just stops. The new pod is first scraped a sample later.
    const rolledOut = (license: Record<string, string>, sessions: number, seats: number) =>
      ["license-seats-5f7c9-abcde:metrics", "license-seats-6d8b4-fghij:metrics"].flatMap((instance, pod) => {
        const values = (v: number) => samples(Array.from({ length: steps }, (_, k) => ((pod === 0 ? k < gap : k > gap) ? v : null)));
        const target = { ...license, job: seatsJob(c), instance, namespace: c.namespaces.licenseApi };
        return [series("active_sessions", target, values(sessions)), series("license_seat_utilisation_ratio", target, values(sessions / seats))];
      });
    return [
      {
        name: `SeatExhaustion (ADR-019's labels): each license is measured against the configured ${fallback}; one above its threshold on both replicas fires`,
        interval: at(step),
        input_series: [...replicas(key.license_key, key.tenant_id, busy), ...replicas("lic-sta-0002", "tenant-globex", half)],
        alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset: 0, alert: firing(rule, key, busy / fallback) }]),
        promql_expr_test: [approx(SEAT_AGGREGATES.utilisationFullest, fires, {}, busy / fallback)],
      },
      {
        name: "SeatExhaustion silent (ADR-019's labels): two replicas each report a little over half the seats (max, not sum)",
        interval: at(step),
        input_series: replicas(key.license_key, key.tenant_id, half),
        alert_rule_test: [check(rule.alert, fires)],
      },
      {
        name: "SeatExhaustion (seats exporter): 5 sessions of a 5-seat license fire; 60 of 500 and, mid-migration, a license under ADR-019's labels at half stay silent",
        interval: at(step),
        input_series: [...exported(small, 5, 5), ...exported(large, 60, 500), ...replicas(key.license_key, key.tenant_id, half), f.up(PODS[0], linear(1, 0, steps))],
        alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset: 0, alert: firing(rule, small, 1) }]),
        promql_expr_test: [
          // What the seat panels draw by default: one series each, over every license.
          approx(SEAT_AGGREGATES.utilisationFullest, fires, {}, 1),
          approx(SEAT_AGGREGATES.utilisationMedian, fires, {}, half / fallback),
          approx(SEAT_AGGREGATES.nearLimit, fires, {}, 1),
          approx(SEAT_AGGREGATES.sessionsTotal, fires, {}, 5 + 60 + half),
          approx(SEAT_AGGREGATES.sessionsBusiest, fires, {}, 60),
          // No license has been denied a seat: its counter does not exist, and the worst rate is 0.
          approx(SEAT_AGGREGATES.denialsWorst, fires, {}, 0),
        ],
      },
      {
        name: "SeatExhaustion silent (seats exporter): 60 sessions on a 500-seat license, none near its limit reads 0",
        interval: at(step),
        input_series: exported(large, 60, 500),
        alert_rule_test: [check(rule.alert, fires)],
        promql_expr_test: [approx(SEAT_AGGREGATES.nearLimit, fires, {}, 0), approx(SEAT_AGGREGATES.utilisationFullest, fires, {}, 60 / 500)],
      },
      {
        name: "SeatExhaustion (seats exporter): the exporter's pod replaced while the alert is pending fires when it would have without the restart",
        interval: at(step),
        input_series: restarted(small, 5, 5),
        alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset: 0, alert: firing(rule, small, 1) }]),
      },
      {
        name: "SeatExhaustion (seats exporter, the managed collector's labels): a rollout ending each license's series and starting one for the new pod while the alert is pending fires when it would have without the rollout",
        interval: at(step),
        input_series: rolledOut(small, 5, 5),
        alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset: 0, alert: firing(rule, small, 1) }]),
      },
    ];
  }

  function denials(): TestGroup[] {
    const rule = alertRule(c, "FrequentSeatDenials");
    const key = { license_key: "lic-ent-0001", tenant_id: "tenant-acme" };
    const perStep = (perSecond: number) => perSecond * step;
    const busy = perStep(2 * t.seatDenialsPerSecond.threshold);
    // The counter is new: its 5m rate climbs until the window is full, and crosses the threshold halfway.
    const onset = onsetWhen((x) => rateAt(busy, x, "5m") > t.seatDenialsPerSecond.threshold);
    const fires = fireTime(rule, onset, evalEvery);
    const quietCheck = fireTime(rule, evalAtOrAfter(seconds("5m"), evalEvery), evalEvery);
    return [
      {
        name: "FrequentSeatDenials: twice the threshold of denials for one license",
        interval: at(step),
        input_series: [f.seatDenials(key.license_key, key.tenant_id, linear(0, busy, stepsUntil(fires)))],
        alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset, alert: firing(rule, key, rateAt(busy, fires, "5m")) }]),
      },
      {
        name: "FrequentSeatDenials silent: a quarter of the threshold",
        interval: at(step),
        input_series: [f.seatDenials(key.license_key, key.tenant_id, linear(0, perStep(t.seatDenialsPerSecond.threshold / 4), stepsUntil(quietCheck)))],
        alert_rule_test: [check(rule.alert, quietCheck)],
      },
    ];
  }

}

/**
 * The security signal compares the last 5 minutes with a day: its tests need a day of history, so
 * they sample every minute and evaluate every five, or replaying the day would take most of a minute.
 */
export function suspiciousValidationTests(c: StackConfig): TestGroup[] {
  const f = fixtures(c);
  const { step, evalEvery, stepsUntil } = cadence(c, DAILY);
  const rule = alertRule(c, "SuspiciousValidationFailures");
  const spike = c.alerts.failedValidationSpike;
  const baseline = seconds(spike.baseline);
  const usual = spike.minPerSecond / 5;
  const attack = Math.max(4 * spike.minPerSecond, 4 * spike.factor * usual);
  const perStep = (perSecond: number) => perSecond * step;
  const forSteps = evalAtOrAfter(seconds(spike.for), evalEvery);
  // Valid traffic alongside, so the failures are a share of real load.
  const valid = (until: number) => f.requests("lic-pro-0001", "valid", "pro", linear(0, 40 * step, stepsUntil(until)));
  const invalid = (values: string) => f.requests("lic-pro-9999", "invalid", "pro", values);
  /** `before` per second until `from`, `during` per second after, up to `until`. */
  const changing = (before: number, during: number, from: number, until: number) => {
    const beforeSteps = from / step;
    const afterSteps = stepsUntil(until) - beforeSteps;
    return `${linear(0, perStep(before), beforeSteps)} ${linear(perStep(before) * beforeSteps + perStep(during), perStep(during), afterSteps - 1)}`;
  };
  // Five minutes after the spike starts the 5m rate lies wholly inside it.
  const fires = baseline + seconds("5m") + forSteps;
  return [
    {
      name: `SuspiciousValidationFailures: invalid keys jump from a ${spike.baseline} baseline to many per second`,
      interval: at(step),
      input_series: [valid(fires), invalid(changing(usual, attack, baseline, fires))],
      alert_rule_test: [
        // The expression cannot hold before the spike, so nothing fires until `for` after it starts.
        check(rule.alert, baseline + forSteps - evalEvery),
        check(rule.alert, fires, [firing(rule, { tier: "pro" }, attack)]),
      ],
    },
    {
      name: "SuspiciousValidationFailures silent: a spike that stays under the absolute floor",
      interval: at(step),
      input_series: [valid(fires), invalid(changing(spike.minPerSecond / 20, spike.minPerSecond / 2, baseline, fires))],
      alert_rule_test: [check(rule.alert, fires)],
    },
    {
      name: "SuspiciousValidationFailures silent: a failure rate that has been as high all day is the baseline, not a spike",
      interval: at(step),
      input_series: [valid(fires), invalid(linear(0, perStep(attack), stepsUntil(fires)))],
      alert_rule_test: [check(rule.alert, fires)],
    },
  ];
}
