// Three months of history with known outcomes, as two Prometheus replicas' recording rules and ALERTS
// series would have left them in a store that keeps both (told apart by REPLICA_LABEL), written as
// OpenMetrics for `promtool tsdb create-blocks-from openmetrics`.
//
// August 2026 (31 days): both replicas evaluate exactly on the minute, so samples fall on every day's
// and the month's boundaries; the trial tier fails half its validations in the month's first and
// last five minutes; and the monitoring's own trouble: replica 1 records nothing for an hour (replica
// 0 sees the API answer throughout, but for one evaluation it alone sees it down), replica 0 restarts
// inside a 20-minute outage that replica 1 sees whole, both record nothing for 10 minutes, and for one
// evaluation they disagree.
// September 2026 (30 days): steady traffic, one total outage of 47 minutes (probes fail, the API
// exports nothing), the alerts it raises (APIServerDown pages on a Sunday night in New York, and a 14.4x
// ErrorBudgetBurn joins its incident: the history of a burn that outlasted the outage), a Redis page
// in business hours, and HighLatency twice, once flapping.
// October 2026 (31 days): no outage, a 2-hour error burst on the trial tier (half its validations
// fail), a 4-minute gap in which neither replica recorded anything, and SeatExhaustion firing for 10
// minutes as the cluster's Prometheus evaluates it.
// September and October also hold alerts that reached no receiver: DatabaseSlowQueries inside the
// outage (inhibited by APIServerDown) and a chart's info alert (routed to the null receiver).
// The month running when the test runs, replica 0 only: steady, with SeatExhaustion firing once
// before and once inside a silence the test creates through a real Alertmanager's API (an
// Alertmanager dates a new silence's start to the moment it is created, so a silence cannot be
// backfilled into the past).
// The store also holds staging's series, as the long-term store both environments write to does: every
// series carries the external labels remote write adds (environment, cluster). Staging's one replica
// has the same name as prod's first; it records from the last day of July through September, fails a
// tenth of every tier's validations, and is down for three hours on 20 September, which pages.
//
// A second store stands in for Monarch, where Managed Service for Prometheus' rule evaluator writes the
// ALERTS of the groups a stack places there (writeManagedScenario): the evaluator's alerts of prod, with
// the labels it gives them, in September (SeatExhaustion twice, once inside the outage, and
// SeatLimitForecast) and October (SeatExhaustion, at another time than the cluster's); and what else
// such a project holds: staging's evaluator's alerts, another cluster's, and an alert of another group.
import * as fs from "fs";
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { INHIBITORS, SLI_SERIES, SLO_NAME } from "../../lib/identities";
import { managedEvaluatorLabels } from "../../render/managed-prometheus";
import { externalLabels } from "../../render/prometheus-config";
import { allRuleGroups, isAlert } from "../../rules";
import { alertRule } from "../../rules/tests/promtool";

const utc = (iso: string) => Date.parse(iso) / 1000;

/** The label a store keeping both replicas' series tells them apart by (the Operator's replica label). */
export const REPLICA_LABEL = "prometheus_replica";
export const REPLICAS = ["prometheus-kps-prometheus-0", "prometheus-kps-prometheus-1"] as const;

interface Window {
  start: number;
  minutes: number;
}

export const SCENARIO = {
  august: { start: utc("2026-08-01T00:00:00Z"), end: utc("2026-09-01T00:00:00Z") },
  september: { start: utc("2026-09-01T00:00:00Z"), end: utc("2026-10-01T00:00:00Z") },
  october: { start: utc("2026-10-01T00:00:00Z"), end: utc("2026-11-01T00:00:00Z") },
  /** Seconds after each interval's start at which each replica evaluates: in August on the boundaries, later never on them. */
  offsets: { august: [0, 0], later: [7, 11] } as Record<"august" | "later", [number, number]>,
  /** The SLO rules' evaluation interval (prometheus.evaluationInterval of both stacks). */
  evaluation: 15,
  /** The cadence the 5m rates are written at: the report's ratios of sums do not depend on it. */
  rateStep: 300,
  augustEvents: {
    /** The trial tier fails half its validations in the month's first and last five minutes (one rate sample each). */
    errorsAt: [utc("2026-08-01T00:00:00Z"), utc("2026-08-31T23:55:00Z")],
    /** Replica 1 records nothing. */
    replicaGone: { replica: 1, start: utc("2026-08-10T10:00:00Z"), minutes: 60 } as Window & { replica: number },
    /** Within it, one evaluation replica 0 alone sees the API down. */
    aloneDown: utc("2026-08-10T10:30:00Z"),
    outage: { start: utc("2026-08-12T03:00:00Z"), minutes: 20 },
    /** Replica 0 restarting inside the outage. */
    restart: { replica: 0, start: utc("2026-08-12T03:05:00Z"), minutes: 7 } as Window & { replica: number },
    /** Neither replica records anything. */
    bothGone: { start: utc("2026-08-14T06:00:00Z"), minutes: 10 },
    /** Replica 0 sees the API down, replica 1 sees it answer. */
    disagree: utc("2026-08-16T09:00:00Z"),
  },
  outage: { start: utc("2026-09-14T03:10:00Z"), minutes: 47 },
  gap: { start: utc("2026-10-20T06:00:30Z"), minutes: 4 },
  /** SeatExhaustion as the cluster's Prometheus evaluates it (alerts.perLicense.evaluator: prometheus). */
  clusterSeat: { start: utc("2026-10-12T09:00:00Z"), minutes: 10 },
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
  staging: {
    start: utc("2026-07-31T00:00:00Z"),
    end: utc("2026-10-01T00:00:00Z"),
    /** Seconds after each interval's start at which staging's replica evaluates. */
    offset: 3,
    outage: { start: utc("2026-09-20T12:00:00Z"), minutes: 180 },
    /** Validations per second of every tier, and the share that fails. */
    traffic: 1,
    errorShare: 0.1,
    /** An alert prod never raises. */
    errors: { start: utc("2026-09-21T08:00:00Z"), minutes: 30 },
  },
} as const;

const inside = (t: number, w: Window) => t >= w.start && t < w.start + w.minutes * 60;

type Labels = Record<string, string>;

/** A firing run of an alert of the managed evaluator: `evaluations` firing evaluations from `start`. */
interface EvaluatorRun {
  start: number;
  evaluations: number;
}

/** Seconds between two evaluations of an alert: its group's interval. */
export function evaluationSeconds(c: StackConfig, alertname: string): number {
  const group = allRuleGroups(c).find((g) => g.rules.some((r) => isAlert(r) && r.alert === alertname));
  return seconds(group?.interval ?? c.prometheus.evaluationInterval);
}

/** A license near its seat limit: the labels SeatExhaustion and SeatLimitForecast carry per license (PER_LICENSE). */
const license = (id: string): Labels => ({ license_id: id, tenant_id: `tenant-${id}` });

/** What the managed evaluator's store holds: firing runs, each after its pending evaluations. The evaluator evaluates 23 s into each minute. */
export const MANAGED = {
  september: {
    seat: { start: utc("2026-09-08T10:05:23Z"), evaluations: 30 },
    /** Every evaluation inside the outage (03:10:10 to 03:57:20 as APIServerDown fires): inhibited. */
    seatInOutage: { start: utc("2026-09-14T03:20:23Z"), evaluations: 20 },
    forecast: { start: utc("2026-09-20T14:02:23Z"), evaluations: 12 },
    /** Not prod's alerts, or not the evaluator's groups': none counts in prod's report. */
    stagingSeat: { start: utc("2026-09-09T10:00:23Z"), evaluations: 15 },
    otherClusterSeat: { start: utc("2026-09-10T10:00:23Z"), evaluations: 15 },
    otherGroupAlert: { start: utc("2026-09-11T10:00:23Z"), evaluations: 15 },
  },
  october: { seat: { start: utc("2026-10-15T16:00:23Z"), evaluations: 15 } },
  otherCluster: "coditect-prod-gke-canary",
  /** An alert of a group the cluster's Prometheus evaluates (rules/index.ts keeps it there). */
  otherGroupAlert: "FrequentSeatDenials",
} as const satisfies Record<string, unknown>;

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
export function writeScenario(c: StackConfig, staging: StackConfig, file: string, running?: RunningMonth): void {
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
  const A = S.augustEvents;
  const from = S.august.start;
  const to = S.october.end;
  /** Whether replica `r` recorded anything at `t`. */
  const recording = (r: number, t: number) => !inside(t, S.gap) && !inside(t, A.bothGone) && !(r === A.replicaGone.replica && inside(t, A.replicaGone)) && !(r === A.restart.replica && inside(t, A.restart));
  /** The moments replica `r` evaluates at, every `step` seconds, while it records and `skip` says no. */
  const times = (r: number, step: number, skip: (t: number) => boolean = () => false) => {
    const ts: number[] = [];
    for (const [start, end, offset] of [
      [from, S.september.start, S.offsets.august[r]],
      [S.september.start, to, S.offsets.later[r]],
    ] as const) {
      for (let t = start + offset; t < end; t += step) if (recording(r, t) && !skip(t)) ts.push(t);
    }
    return ts;
  };
  const replica = (r: number): Labels => ({ ...externalLabels(c), [REPLICA_LABEL]: REPLICAS[r] });
  const replicas = [0, 1];
  const dead = (t: number) => inside(t, S.outage) || inside(t, A.outage);
  const burst = (t: number) => inside(t, S.burst);
  const slo = { slo: SLO_NAME };
  const G = S.staging;
  const stagingReplica: Labels = { ...externalLabels(staging), [REPLICA_LABEL]: REPLICAS[0] };
  /** The moments staging's replica evaluates at, every `step` seconds, but where `skip` says. */
  const stagingTimes = (step: number, skip: (t: number) => boolean = () => false) => {
    const ts: number[] = [];
    for (let t = G.start + G.offset; t < G.end; t += step) if (!skip(t)) ts.push(t);
    return ts;
  };

  // The SLI: 1 while the API was down as a replica saw it.
  const down = (r: number, t: number) => dead(t) || (r === 0 && (t === A.aloneDown || t === A.disagree));
  out(`# TYPE ${SLI_SERIES.unavailable} gauge\n`);
  for (const r of replicas) {
    for (const t of times(r, S.evaluation)) out(line(SLI_SERIES.unavailable, { ...slo, ...replica(r) }, down(r, t) ? 1 : 0, t));
    if (running && r === 0) for (let t = running.start + S.offsets.later[0]; t < running.end; t += S.evaluation) out(line(SLI_SERIES.unavailable, { ...slo, ...replica(r) }, 0, t));
  }
  for (const t of stagingTimes(S.evaluation)) out(line(SLI_SERIES.unavailable, { ...slo, ...stagingReplica }, inside(t, G.outage) ? 1 : 0, t));

  const total = Object.values(S.traffic).reduce((a, b) => a + b, 0);
  const burstErrors = S.traffic[S.burst.tier] * S.burst.errorShare;
  const trialErrors = (t: number) => (burst(t) || (A.errorsAt as readonly number[]).includes(t) ? burstErrors : 0);
  const rates = (name: string, labels: Labels, value: (t: number) => number, stagingValue: number) => {
    for (const r of replicas) for (const t of times(r, S.rateStep, dead)) out(line(name, { ...labels, ...replica(r) }, value(t), t));
    for (const t of stagingTimes(S.rateStep, (x) => inside(x, G.outage))) out(line(name, { ...labels, ...stagingReplica }, stagingValue, t));
  };
  const tiers = Object.keys(S.traffic);
  out(`# TYPE ${SLI_SERIES.requests} gauge\n`);
  rates(SLI_SERIES.requests, slo, () => total, tiers.length * G.traffic);
  out(`# TYPE ${SLI_SERIES.errors} gauge\n`);
  rates(SLI_SERIES.errors, slo, trialErrors, tiers.length * G.traffic * G.errorShare);
  out("# TYPE tier:license_validation_requests:rate5m gauge\n");
  for (const [tier, rate] of Object.entries(S.traffic)) rates("tier:license_validation_requests:rate5m", { tier }, () => rate, G.traffic);
  out("# TYPE tier:license_validation_errors:rate5m gauge\n");
  for (const tier of tiers) rates("tier:license_validation_errors:rate5m", { tier }, (t) => (tier === S.burst.tier ? trialErrors(t) : 0), G.traffic * G.errorShare);

  // The raw counters, in October only (the other months' show no errors a report reads), at the rate cadence.
  const job = c.licenseApi.job;
  const counter = (name: string, labels: Labels, perSample: number, step: number) => {
    for (const r of replicas) {
      let v = 0;
      for (const t of times(r, step, dead).filter((x) => x >= S.october.start)) {
        if (burst(t)) v += perSample;
        out(line(name, { ...labels, ...replica(r) }, v, t));
      }
    }
  };
  out("# TYPE license_validation_requests counter\n");
  // The licenses' counters at a minute's cadence, so rate(...[5m]) holds several samples.
  for (const [key, perSample] of Object.entries(S.licenses)) counter("license_validation_requests_total", { job, license_key: key, status: "error", tier: S.burst.tier }, perSample, 60);
  counter("license_validation_requests_total", { job, license_key: "lic-ent-0001", status: "error", tier: "enterprise" }, 0, S.rateStep);
  // The same failures from an API that follows the metric contract: no per-license label.
  const perFiveMinutes = 5 * Object.values(S.licenses).reduce((a, b) => a + b, 0);
  counter("license_validation_requests_total", { job, status: "error", tier: S.burst.tier }, perFiveMinutes, S.rateStep);
  out("# TYPE license_validation_errors counter\n");
  counter("license_validation_errors_total", { job, error_type: "redis_unavailable", tier: S.burst.tier }, perFiveMinutes, S.rateStep);

  // ALERTS as Prometheus writes them: one sample per evaluation of the rule's group while pending or
  // firing, by each replica while it records (in September both evaluate at the same moments).
  out("# TYPE ALERTS gauge\n");
  const alert = (labels: Labels, state: string, start: number, end: number, step: number, only = replicas) => {
    for (const r of only) for (let t = start; t < end; t += step) if (recording(r, t)) out(line("ALERTS", { ...labels, ...replica(r), alertstate: state }, 1, t));
  };
  const labelsOf = (name: string, match: Labels = {}) => ({ alertname: name, ...alertRule(c, name, match).labels });
  const outageEval = 5;
  // The probe signal: pending from the first failed evaluation, firing after for: (10s), held 20 s
  // (keep_firing_for) after the API answers again; the inhibition source fires with it.
  const outageAlerts = (o: Window) => {
    const end = o.start + o.minutes * 60;
    alert(labelsOf("APIServerDown", { signal: "probe" }), "pending", o.start, o.start + 10, outageEval);
    alert(labelsOf("APIServerDown", { signal: "probe" }), "firing", o.start + 10, end + 20, outageEval);
    alert(labelsOf(INHIBITORS.outage), "firing", o.start + 10, end + 20, outageEval);
  };
  outageAlerts(A.outage);
  outageAlerts(S.outage);
  const o = S.outage.start;
  const offset = S.offsets.later[0];
  alert(labelsOf("ErrorBudgetBurn", { burn_rate: "14.4x" }), "firing", o + 180, o + S.outage.minutes * 60 + 300, S.evaluation);
  const redis = S.redisPage;
  alert(labelsOf("RedisConnectionFailures"), "firing", redis.start + offset, redis.start + offset + redis.minutes * 60, S.evaluation);
  for (const l of S.latency) alert(labelsOf("HighLatency"), "firing", l.start + offset, l.start + offset + l.minutes * 60, S.evaluation);
  const { inhibited, dropped } = S;
  alert(labelsOf("DatabaseSlowQueries"), "firing", inhibited.start + offset, inhibited.start + offset + inhibited.minutes * 60, S.evaluation);
  alert(dropped.labels, "firing", dropped.start + offset, dropped.start + offset + dropped.minutes * 60, S.evaluation);
  for (const t of running?.seatExhaustion ?? []) out(line("ALERTS", { ...labelsOf("SeatExhaustion"), ...replica(0), alertstate: "firing" }, 1, t));
  const seat = S.clusterSeat;
  alert({ ...labelsOf("SeatExhaustion"), ...license("lic-ent-0001") }, "firing", seat.start + offset, seat.start + offset + seat.minutes * 60, evaluationSeconds(c, "SeatExhaustion"));
  const stagingAlert = (name: string, match: Labels, start: number, end: number, step: number) => {
    for (let t = start; t < end; t += step) out(line("ALERTS", { alertname: name, ...alertRule(staging, name, match).labels, ...stagingReplica, alertstate: "firing" }, 1, t));
  };
  stagingAlert("APIServerDown", { signal: "probe" }, G.outage.start + 10, G.outage.start + G.outage.minutes * 60 + 20, outageEval);
  stagingAlert("HighErrorRate", {}, G.errors.start + G.offset, G.errors.start + G.offset + G.errors.minutes * 60, S.evaluation);

  out("# EOF\n");
  fs.writeSync(fd, buffer);
  fs.closeSync(fd);
}

/**
 * Writes the managed evaluator's store to `file`: the ALERTS of `prod` and `staging` (configs placing
 * their per-license groups in the managed evaluator) as the evaluator writes them, with the labels it
 * gives every alert of a stack's Rules object (managedEvaluatorLabels): pending, then firing, one
 * sample per evaluation.
 */
export function writeManagedScenario(prod: StackConfig, staging: StackConfig, file: string): void {
  const M = MANAGED;
  const series: string[] = [];
  // Pending for the rule's for:, then firing, at its group's interval.
  const run = (c: StackConfig, name: string, own: Labels, r: EvaluatorRun, evaluator: Labels = {}) => {
    const labels = { alertname: name, ...alertRule(c, name).labels, ...own, ...managedEvaluatorLabels(c), ...evaluator };
    const step = evaluationSeconds(c, name);
    const pending = seconds(alertRule(c, name).for ?? "0s") / step;
    for (let i = pending; i > 0; i--) series.push(line("ALERTS", { ...labels, alertstate: "pending" }, 1, r.start - i * step));
    for (let i = 0; i < r.evaluations; i++) series.push(line("ALERTS", { ...labels, alertstate: "firing" }, 1, r.start + i * step));
  };
  run(prod, "SeatExhaustion", license("lic-ent-0001"), M.september.seat);
  run(prod, "SeatExhaustion", license("lic-team-0002"), M.september.seatInOutage);
  run(prod, "SeatLimitForecast", license("lic-team-0003"), M.september.forecast);
  run(prod, "SeatExhaustion", license("lic-ent-0001"), M.october.seat);
  run(staging, "SeatExhaustion", license("lic-ent-0001"), M.september.stagingSeat);
  run(prod, "SeatExhaustion", license("lic-ent-0001"), M.september.otherClusterSeat, { cluster: M.otherCluster });
  run(prod, M.otherGroupAlert, {}, M.september.otherGroupAlert);
  fs.writeFileSync(file, `# TYPE ALERTS gauge\n${series.join("")}# EOF\n`);
}
