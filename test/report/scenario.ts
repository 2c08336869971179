// Two months of history with known outcomes, as the recording rules and Prometheus's ALERTS series
// would have left them, written as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`.
//
// September 2026 (30 days): steady traffic, one total outage of 47 minutes (probes fail, the API
// exports nothing), the alerts it raises (APIServerDown pages on a Sunday night in New York, and a 14.4x
// ErrorBudgetBurn joins its incident: the history of a burn that outlasted the outage), a Redis page
// in business hours, and HighLatency twice, once flapping.
// October 2026 (31 days): no outage, a 2-hour error burst on the trial tier (half its validations
// fail), and a 4-minute gap in which Prometheus recorded nothing.
// Both months also hold alerts that reached no receiver: DatabaseSlowQueries inside the outage
// (inhibited by APIServerDown) and a chart's info alert (routed to the null receiver).
// The month running when the test runs: steady, with SeatExhaustion firing once before and once
// inside a silence the test creates through a real Alertmanager's API (an Alertmanager dates a new
// silence's start to the moment it is created, so a silence cannot be backfilled into the past).
import * as fs from "fs";
import type { StackConfig } from "../../config";
import { INHIBITORS, SLI_SERIES, SLO_NAME } from "../../lib/identities";
import { alertRule } from "../../rules/tests/promtool";

const utc = (iso: string) => Date.parse(iso) / 1000;

export const SCENARIO = {
  september: { start: utc("2026-09-01T00:00:00Z"), end: utc("2026-10-01T00:00:00Z") },
  october: { start: utc("2026-10-01T00:00:00Z"), end: utc("2026-11-01T00:00:00Z") },
  /** Samples sit 7 s after each interval's start, as evaluations do, never on a day's boundary. */
  offset: 7,
  /** The SLO rules' evaluation interval (prometheus.evaluationInterval of both stacks). */
  evaluation: 15,
  /** The cadence the 5m rates are written at: the report's ratios of sums do not depend on it. */
  rateStep: 300,
  outage: { start: utc("2026-09-14T03:10:00Z"), minutes: 47 },
  gap: { start: utc("2026-10-20T06:00:30Z"), minutes: 4 },
  burst: { start: utc("2026-10-07T10:00:00Z"), minutes: 120, tier: "trial", errorShare: 0.5 },
  /** Validations per second by tier. */
  traffic: { enterprise: 6, team: 3, trial: 1 } as Record<string, number>,
  /** Failed validations of the burst per minute, per trial license. */
  licenses: { "lic-trial-0007": 20, "lic-trial-0012": 10 } as Record<string, number>,
  redisPage: { start: utc("2026-09-16T15:00:00Z"), minutes: 10 },
  /** Inside the outage: inhibited by APIServerDown. */
  inhibited: { start: utc("2026-09-14T03:20:00Z"), minutes: 20 },
  /** A chart's alert of severity info: the stack routes it to the null receiver. */
  dropped: { start: utc("2026-09-10T08:00:00Z"), minutes: 30, labels: { alertname: "KubeQuotaAlmostFull", severity: "info", namespace: "license-api" } },
  latency: [
    { start: utc("2026-09-22T14:00:00Z"), minutes: 3 },
    { start: utc("2026-09-23T15:00:00Z"), minutes: 20 },
  ],
} as const;

const inside = (t: number, w: { start: number; minutes: number }) => t >= w.start && t < w.start + w.minutes * 60;

type Labels = Record<string, string>;

function line(name: string, labels: Labels, value: number, t: number): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  return `${name}{${l}} ${value} ${t}\n`;
}

/** The running month: steady from its start to `end` (past the report's run), and SeatExhaustion's firing evaluations. */
export interface RunningMonth {
  start: number;
  end: number;
  seatExhaustion: number[];
}

/** Writes the scenario to `file`, one metric family at a time, each series in time order. */
export function writeScenario(c: StackConfig, file: string, running?: RunningMonth): void {
  const fd = fs.openSync(file, "w");
  let buffer = "";
  const out = (s: string) => {
    buffer += s;
    if (buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer);
      buffer = "";
    }
  };
  const S = SCENARIO;
  const from = S.september.start;
  const to = S.october.end;
  const times = (step: number, skip: (t: number) => boolean = () => false) => {
    const ts: number[] = [];
    for (let t = from + S.offset; t < to; t += step) if (!skip(t)) ts.push(t);
    return ts;
  };
  const gap = (t: number) => inside(t, S.gap);
  const dead = (t: number) => inside(t, S.outage) || gap(t);
  const burst = (t: number) => inside(t, S.burst);
  const slo = { slo: SLO_NAME };

  out(`# TYPE ${SLI_SERIES.unavailable} gauge\n`);
  for (const t of times(S.evaluation, gap)) out(line(SLI_SERIES.unavailable, slo, inside(t, S.outage) ? 1 : 0, t));
  if (running) for (let t = running.start + S.offset; t < running.end; t += S.evaluation) out(line(SLI_SERIES.unavailable, slo, 0, t));

  const rateTimes = times(S.rateStep, dead);
  const total = Object.values(S.traffic).reduce((a, b) => a + b, 0);
  const burstErrors = S.traffic[S.burst.tier] * S.burst.errorShare;
  out(`# TYPE ${SLI_SERIES.requests} gauge\n`);
  for (const t of rateTimes) out(line(SLI_SERIES.requests, slo, total, t));
  out(`# TYPE ${SLI_SERIES.errors} gauge\n`);
  for (const t of rateTimes) out(line(SLI_SERIES.errors, slo, burst(t) ? burstErrors : 0, t));
  out("# TYPE tier:license_validation_requests:rate5m gauge\n");
  for (const [tier, rate] of Object.entries(S.traffic)) for (const t of rateTimes) out(line("tier:license_validation_requests:rate5m", { tier }, rate, t));
  out("# TYPE tier:license_validation_errors:rate5m gauge\n");
  for (const tier of Object.keys(S.traffic))
    for (const t of rateTimes) out(line("tier:license_validation_errors:rate5m", { tier }, tier === S.burst.tier && burst(t) ? burstErrors : 0, t));

  // The raw counters, in October only (September's show no errors), at the rate cadence.
  const job = c.licenseApi.job;
  const octTimes = rateTimes.filter((t) => t >= S.october.start);
  // The licenses' counters at a minute's cadence, so rate(...[5m]) holds several samples.
  const octMinutes = times(60, dead).filter((t) => t >= S.october.start);
  const counter = (name: string, labels: Labels, perSample: number, at = octTimes) => {
    let v = 0;
    for (const t of at) {
      if (burst(t)) v += perSample;
      out(line(name, labels, v, t));
    }
  };
  out("# TYPE license_validation_requests counter\n");
  for (const [key, perSample] of Object.entries(S.licenses))
    counter("license_validation_requests_total", { job, license_key: key, status: "error", tier: S.burst.tier }, perSample, octMinutes);
  counter("license_validation_requests_total", { job, license_key: "lic-ent-0001", status: "error", tier: "enterprise" }, 0);
  // The same failures from an API that follows the metric contract: no per-license label.
  counter("license_validation_requests_total", { job, status: "error", tier: S.burst.tier }, 5 * Object.values(S.licenses).reduce((a, b) => a + b, 0));
  out("# TYPE license_validation_errors counter\n");
  counter("license_validation_errors_total", { job, error_type: "redis_unavailable", tier: S.burst.tier }, 5 * Object.values(S.licenses).reduce((a, b) => a + b, 0));

  // ALERTS as Prometheus writes them: one sample per evaluation of the rule's group while pending or firing.
  out("# TYPE ALERTS gauge\n");
  const alert = (labels: Labels, state: string, start: number, end: number, step: number) => {
    for (let t = start; t < end; t += step) out(line("ALERTS", { ...labels, alertstate: state }, 1, t));
  };
  const labelsOf = (name: string, match: Labels = {}) => ({ alertname: name, ...alertRule(c, name, match).labels });
  const o = S.outage.start;
  const outageEnd = o + S.outage.minutes * 60;
  const outageEval = 5;
  // The probe signal: pending from the first failed evaluation, firing after for: (10s), held 20 s
  // (keep_firing_for) after the API answers again.
  alert(labelsOf("APIServerDown", { signal: "probe" }), "pending", o, o + 10, outageEval);
  alert(labelsOf("APIServerDown", { signal: "probe" }), "firing", o + 10, outageEnd + 20, outageEval);
  // The inhibition source fires with it (rules/build.ts, inhibitor).
  alert(labelsOf(INHIBITORS.outage), "firing", o + 10, outageEnd + 20, outageEval);
  alert(labelsOf("ErrorBudgetBurn", { burn_rate: "14.4x" }), "firing", o + 180, outageEnd + 300, S.evaluation);
  const redis = S.redisPage;
  alert(labelsOf("RedisConnectionFailures"), "firing", redis.start + S.offset, redis.start + S.offset + redis.minutes * 60, S.evaluation);
  for (const l of S.latency) alert(labelsOf("HighLatency"), "firing", l.start + S.offset, l.start + S.offset + l.minutes * 60, S.evaluation);
  const { inhibited, dropped } = S;
  alert(labelsOf("DatabaseSlowQueries"), "firing", inhibited.start + S.offset, inhibited.start + S.offset + inhibited.minutes * 60, S.evaluation);
  alert(dropped.labels, "firing", dropped.start + S.offset, dropped.start + S.offset + dropped.minutes * 60, S.evaluation);
  for (const t of running?.seatExhaustion ?? []) out(line("ALERTS", { ...labelsOf("SeatExhaustion"), alertstate: "firing" }, 1, t));

  out("# EOF\n");
  fs.writeSync(fd, buffer);
  fs.closeSync(fd);
}
