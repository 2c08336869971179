// A healthy API, long enough for the slowest alert's `for:` to pass: nothing pages but the Watchdog,
// and the recording rules dashboards and the SLO read hold the values the traffic implies.
import type { StackConfig } from "../../config";
import { isAlert, allRuleGroups } from "..";
import { bucketBelow, cadence, fixtures, PODS, quantileOf } from "./fixtures";
import { alertRule, approx, at, check, fireTime, firing, linear, selector, series, type Labels, type TestGroup } from "./promtool";
import { errorBudget, healthUrl, probeJob, quantileName, QUANTILES, SEAT_AGGREGATES, SLI_WINDOWS, sliRatio, SLO_NAME } from "../../lib/identities";


/** The sweep's name prefix: its silent checks of every alert are not a case written for any one of them. */
export const HEALTHY_SWEEP = "healthy:";

export function healthyTests(c: StackConfig): TestGroup[] {
  const f = fixtures(c);
  const { step, evalEvery, rateOnset, stepsUntil, rateAt } = cadence(c);
  const t = c.alerts;
  const alerts = allRuleGroups(c)
    .flatMap((g) => g.rules)
    .filter(isAlert);
  const end = Math.max(...alerts.map((r) => fireTime(r, rateOnset, evalEvery))) + evalEvery;
  const steps = stepsUntil(end);
  const names = [...new Set(alerts.map((r) => r.alert))];
  const watchdog = alertRule(c, "Watchdog");

  const latencyBucket = bucketBelow("license_validation_latency_seconds", t.latencyP95Seconds.threshold / 10);
  const latencyPerStep = 20;
  const sessions = Math.floor((c.licenseApi.seatLimit * t.seatUtilisation.threshold) / 2);
  const perSecond = (x: number) => x * step;
  const budget = errorBudget(c);
  // Errors at half the budget: the SLO holds and no burn rate is reached.
  const ERRORS_PER_STEP = 1;
  const VALID_PER_STEP = Math.round(2 / budget) - 1;

  const ratio = (window: string) =>
    rateAt(ERRORS_PER_STEP, end, window) / (rateAt(VALID_PER_STEP, end, window) + rateAt(ERRORS_PER_STEP, end, window));
  const slo = { slo: SLO_NAME };
  const sample = (name: string, labels: Labels, value: number) => approx(selector(name, labels), end, labels, value);

  return [
    {
      name: `${HEALTHY_SWEEP} ${at(end)} of normal traffic pages nobody; the Watchdog fires throughout`,
      interval: at(step),
      input_series: [
        f.requests("lic-ent-0001", "valid", "enterprise", linear(0, VALID_PER_STEP, steps)),
        f.requests("lic-ent-0001", "error", "enterprise", linear(0, ERRORS_PER_STEP, steps)),
        f.errors("redis_unavailable", "enterprise", linear(0, ERRORS_PER_STEP, steps)),
        ...f.latency("/api/v1/licenses/validate/", latencyBucket, latencyPerStep, steps),
        f.activeSessions("lic-ent-0001", "tenant-acme", linear(sessions, 0, steps)),
        f.seatDenials("lic-ent-0001", "tenant-acme", linear(0, perSecond(t.seatDenialsPerSecond.threshold / 4), steps)),
        f.redis("get", "success", linear(0, 100, steps)),
        f.redis("get", "error", linear(0, perSecond(t.redisErrorsPerSecond.threshold / 4), steps)),
        ...f.dbLatency("licenses", "select", bucketBelow("database_query_latency_seconds", t.databaseP95Seconds.threshold / 10), 20, steps),
        ...PODS.flatMap((p) => [
          f.up(p, linear(1, 0, steps)),
          f.startTime(p, 0, steps),
          f.cpu(p, linear(0, perSecond(0.25), steps)),
          f.memory(p, linear(256 * 1024 * 1024, 0, steps)),
          f.cpuRequest(p, 0.5, steps),
          f.memoryLimit(p, 512 * 1024 * 1024, steps),
        ]),
        series("probe_success", { job: probeJob(c), instance: healthUrl(c) }, linear(1, 0, steps)),
      ],
      alert_rule_test: [
        check(watchdog.alert, 0, [firing(watchdog, {}, 1)]),
        check(watchdog.alert, end, [firing(watchdog, {}, 1)]),
        ...names.filter((n) => n !== watchdog.alert).map((n) => check(n, end)),
      ],
      promql_expr_test: [
        ...SLI_WINDOWS.map((w) => sample(sliRatio(w), slo, ratio(w))),
        // Every 5m ratio so far is the same, so is their average over the SLO window.
        sample(sliRatio(c.slo.window), slo, ratio("5m")),
        sample("slo:objective:ratio", slo, c.slo.availabilityTarget),
        sample("slo:error_budget:remaining_ratio", slo, 1 - ratio("5m") / budget),
        sample("tier:license_validation_error_ratio:rate5m", { tier: "enterprise" }, ratio("5m")),
        ...QUANTILES.map((q) =>
          sample(`license_validation_latency_seconds:${quantileName(q)}_5m`, {}, quantileOf(q, latencyBucket, rateAt(latencyPerStep, end, "5m"))),
        ),
        sample(SEAT_AGGREGATES.utilisationFullest, {}, sessions / c.licenseApi.seatLimit),
      ],
    },
  ];
}
