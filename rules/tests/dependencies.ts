// Redis and the database behind the license API.
import type { StackConfig } from "../../config";
import { bucketAbove, bucketBelow, cadence, fixtures, quantileOf } from "./fixtures";
import { seconds } from "../../lib/duration";
import { alertRule, at, check, evalAtOrAfter, firesAfterFor, fireTime, firing, linear, type TestGroup } from "./promtool";

export function dependencyTests(c: StackConfig): TestGroup[] {
  const f = fixtures(c);
  const { step, evalEvery, rateOnset, stepsUntil, rateAt, onsetWhen } = cadence(c);
  const t = c.alerts;

  const redis = alertRule(c, "RedisConnectionFailures");
  const failing = 2 * t.redisErrorsPerSecond.threshold * step;
  // A new error counter's 5m rate climbs until the window is full; it crosses the threshold halfway.
  const redisOnset = onsetWhen((x) => rateAt(failing, x, "5m") > t.redisErrorsPerSecond.threshold);
  const redisFires = fireTime(redis, redisOnset, evalEvery);
  const redisQuiet = fireTime(redis, evalAtOrAfter(seconds("5m"), evalEvery), evalEvery);

  const db = alertRule(c, "DatabaseSlowQueries");
  const dbFires = fireTime(db, rateOnset, evalEvery);
  const dbSteps = stepsUntil(dbFires);
  const queries = 20;
  const slow = bucketAbove("database_query_latency_seconds", t.databaseP95Seconds.threshold);

  return [
    {
      name: "RedisConnectionFailures: Redis errors at twice the threshold",
      interval: at(step),
      input_series: [
        f.redis("get", "success", linear(0, 100, stepsUntil(redisFires))),
        f.redis("eval", "error", linear(0, failing, stepsUntil(redisFires))),
      ],
      alert_rule_test: firesAfterFor(evalEvery, [{ rule: redis, onset: redisOnset, alert: firing(redis, {}, rateAt(failing, redisFires, "5m")) }]),
    },
    {
      name: "RedisConnectionFailures silent: a quarter of the threshold",
      interval: at(step),
      input_series: [
        f.redis("get", "success", linear(0, 100, stepsUntil(redisQuiet))),
        f.redis("eval", "error", linear(0, (t.redisErrorsPerSecond.threshold / 4) * step, stepsUntil(redisQuiet))),
      ],
      alert_rule_test: [check(redis.alert, redisQuiet)],
    },
    {
      // The threshold is the ADR's highest finite bucket: a p95 beyond it reads as exactly that bound.
      name: "DatabaseSlowQueries: queries on one table slower than the threshold",
      interval: at(step),
      input_series: [
        ...f.dbLatency("licenses", "select", slow, queries, dbSteps),
        ...f.dbLatency("sessions", "update", bucketBelow("database_query_latency_seconds", 0.01), queries, dbSteps),
      ],
      alert_rule_test: firesAfterFor(evalEvery, [
        { rule: db, onset: rateOnset, alert: firing(db, { table: "licenses" }, quantileOf(0.95, slow, rateAt(queries, dbFires, "5m"))) },
      ]),
    },
    {
      name: "DatabaseSlowQueries silent: p95 inside the bucket just under the threshold",
      interval: at(step),
      input_series: f.dbLatency("licenses", "select", bucketBelow("database_query_latency_seconds", t.databaseP95Seconds.threshold), queries, dbSteps),
      alert_rule_test: [check(db.alert, dbFires)],
    },
  ];
}
