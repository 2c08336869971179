// Every query the report makes, and nothing else: the month's history as plain data for compute.ts.
// The SLI is read raw from every Prometheus replica (a day per query) and merged per evaluation
// (merge.ts); the rates come from the replica that recorded the most of the day, the month's figures
// from the one that recorded the most of the month, the alert history from all of them, and that of the
// rule groups placed in the managed rule evaluator from Managed Service for Prometheus (managed.ts). Ranges cover
// [start, end) exactly: Prometheus 3's range selectors and subqueries leave out their start, so each
// is evaluated 1 ms before the end and reaches back to 1 ms before the start.
import type { StackConfig } from "../config";
import { seconds } from "../lib/duration";
import { selectors, SLO_NAME } from "../lib/identities";
import { REPORT_SERIES } from "../lib/long-term";
import { regexLiteral } from "../lib/regex";
import { likeClusterAlerts, managedAlertMatchers, managedAlertNames } from "./managed";
import { mergeReplicas, type State } from "./merge";
import type { Month, Period } from "./month";
import type { QueryApi, Series } from "./prometheus";

/**
 * Every series the report reads, by name (lib/long-term.ts). A monthly run queries the long-term store,
 * which keeps each of them (render/remote-write.ts; the end-to-end test asks the local store for every
 * one). The per-license figures come only from an API that labels its request counter per license:
 * that counter never leaves the cluster, so a report from the long-term store has none.
 */
export { REPORT_SERIES };
const S = REPORT_SERIES;

/** One Prometheus replica's record: its own query API, or its series in a shared one (label matchers). */
export interface Replica {
  name: string;
  api: QueryApi;
  /** `environment="value"` picking the stack's series out of a store holding several environments', or "" (replicas.ts). */
  environment: string;
  /** `label="value"` picking its series out of a store holding several replicas', or "" for a query API of its own. */
  selector: string;
}

export interface Rates {
  /** sum_over_time of the 5m error and request rates: their ratio is the traffic-weighted error ratio. */
  errors: number;
  requests: number;
}

export interface DayData {
  period: Period;
  /** The day's evaluation intervals, merged over the replicas. */
  states: State[];
  /** SLI samples each replica recorded in the day, by replica name. */
  samples: Record<string, number>;
  overall: Rates;
  tiers: Record<string, Rates>;
}

export interface MonthData {
  days: DayData[];
  /** Failed validations per tier (increase of license_validation_errors_total). */
  tierFailed: Record<string, number>;
  /** Minutes in which a tier's 5m error rate was above zero, at 5-minute resolution. */
  tierMinutes: Record<string, number>;
  /** The licenses with the most validations answered with status="error", and their minutes with any (5-minute resolution). */
  licenses: { licenseKey: string; tier: string; failed: number; minutesAffected: number }[];
  /**
   * Raw samples of ALERTS (pending and firing) of every replica, one series per alert, the Watchdog
   * excepted: the stack's own alerts and the chart's, since both reach this stack's Alertmanager and
   * whether they reached anyone is the question, and the inhibition sources, which say what was muted.
   * Those of the groups placed in the managed rule evaluator come from its record instead.
   */
  alerts: Series[];
  /** The replica the month's figures (tiers' failures, licenses) came from. */
  figuresFrom: string;
}

/** A range covering [start, end) exactly: evaluated 1 ms before the end, reaching back to 1 ms before the start. */
export const span = (p: Period) => ({ time: p.end - 0.001, range: `${Math.round((p.end - p.start) * 1000)}ms` });

export const TOP_LICENSES = 10;

/** The series `name` of one replica of the stack's environment, with more matchers. */
const of = (r: Replica, name: string, ...matchers: string[]) => `${name}{${[...matchers, r.environment, r.selector].filter(Boolean).join(", ")}}`;

/** The label names a replica's selector sets, which series of several replicas are merged across. */
const replicaLabels = (replicas: Replica[]) => new Set(replicas.map((r) => /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=/.exec(r.selector)?.[1]).filter((l): l is string => !!l));

/** `managed`: Managed Service for Prometheus' query API, where the stack places rule groups in its rule evaluator. */
export async function fetchMonth(c: StackConfig, month: Month, replicas: Replica[], managed?: QueryApi, concurrency = 8): Promise<MonthData> {
  const { api: job } = selectors(c);
  const slo = `slo="${SLO_NAME}"`;
  const step = seconds(c.prometheus.evaluationInterval);
  const scalar = async (r: Replica, expr: string, p: Period) => {
    const v = await r.api.vector(expr, span(p).time);
    return v.length ? v[0].value[1] : 0;
  };
  const byLabel = async (r: Replica, expr: string, label: string, p: Period) => {
    const v = await r.api.vector(expr, span(p).time);
    return Object.fromEntries(v.map((s) => [s.metric[label] ?? "", s.value[1]]));
  };
  const raw = async (r: Replica, p: Period) => (await r.api.matrix(`${of(r, S.unavailable, slo)}[${span(p).range}]`, span(p).time)).flatMap((s) => s.values);
  const most = (samples: Record<string, number>) => replicas.reduce((a, b) => ((samples[b.name] ?? 0) > (samples[a.name] ?? 0) ? b : a));

  const day = async (p: Period): Promise<DayData> => {
    const { range } = span(p);
    const recorded = await Promise.all(replicas.map((r) => raw(r, p)));
    const samples = Object.fromEntries(replicas.map((r, i) => [r.name, recorded[i].length]));
    const r = most(samples);
    const [errors, requests, tierErrors, tierRequests] = await Promise.all([
      scalar(r, `sum_over_time(${of(r, S.errorRate, slo)}[${range}])`, p),
      scalar(r, `sum_over_time(${of(r, S.requestRate, slo)}[${range}])`, p),
      byLabel(r, `sum by (tier) (sum_over_time(${of(r, S.tierErrorRate)}[${range}]))`, "tier", p),
      byLabel(r, `sum by (tier) (sum_over_time(${of(r, S.tierRequestRate)}[${range}]))`, "tier", p),
    ]);
    const tiers = Object.fromEntries(
      [...new Set([...Object.keys(tierErrors), ...Object.keys(tierRequests)])].map((t) => [t, { errors: tierErrors[t] ?? 0, requests: tierRequests[t] ?? 0 }]),
    );
    return { period: p, states: mergeReplicas(p, step, recorded), samples, overall: { errors, requests }, tiers };
  };

  // A few days at a time: enough to be quick, few enough not to load a shared Prometheus.
  const days: DayData[] = [];
  for (let i = 0; i < month.days.length; i += concurrency) days.push(...(await Promise.all(month.days.slice(i, i + concurrency).map(day))));

  const monthSamples: Record<string, number> = {};
  for (const d of days) for (const [name, n] of Object.entries(d.samples)) monthSamples[name] = (monthSamples[name] ?? 0) + n;
  const r = most(monthSamples);
  const { range, time } = span(month);
  const [tierFailed, tierMinutes, licenses, alerts] = await Promise.all([
    byLabel(r, `sum by (tier) (increase(${of(r, S.failedValidations, job)}[${range}]))`, "tier", month),
    byLabel(r, `sum by (tier) (count_over_time((${of(r, S.tierErrorRate)} > 0)[${range}:5m])) * 5`, "tier", month),
    // Only an API labelled as ADR-019 has license_key on the request counter; the metric contract has no
    // per-license label there, and its series must not be summed into one license with an empty key.
    r.api.vector(`topk(${TOP_LICENSES}, sum by (license_key, tier) (increase(${of(r, "license_validation_requests_total", job, 'status="error"', 'license_key!=""')}[${range}])) > 0)`, time),
    Promise.all([
      Promise.all(replicas.map((x) => x.api.matrix(`${of(x, S.alerts, 'alertname!="Watchdog"', ...notFromTheEvaluator(c))}[${range}]`, time))).then((all) => unionByAlert(all.flat(), replicaLabels(replicas))),
      managed ? evaluatorAlerts(c, managed, month, replicas) : [],
    ]).then((all) => all.flat()),
  ]);
  // Minutes affected only for the top licenses: a month of 5-minute steps over every license's series
  // would be the one slow query of the report.
  const keys = licenses.map((s) => s.metric.license_key ?? "");
  const minutes = keys.length
    ? await byLabel(
        r,
        `sum by (license_key) (count_over_time((sum by (license_key) (rate(${of(r, "license_validation_requests_total", job, 'status="error"', `license_key=~"${keys.map(promqlRegexLiteral).join("|")}"`)}[5m])) > 0)[${range}:5m])) * 5`,
        "license_key",
        month,
      )
    : {};
  return {
    days,
    tierFailed,
    tierMinutes,
    licenses: licenses.map((s) => ({ licenseKey: s.metric.license_key ?? "", tier: s.metric.tier ?? "", failed: s.value[1], minutesAffected: minutes[s.metric.license_key ?? ""] ?? 0 })),
    alerts,
    figuresFrom: r.name,
  };
}

/**
 * The evaluator is the one source of its alerts: a cluster source holding them as well (a store that
 * also keeps Monarch's series) must not count them twice.
 */
const notFromTheEvaluator = (c: StackConfig) => (managedAlertNames(c).length ? [`alertname!~"${managedAlertsRegex(c)}"`] : []);

/** The managed evaluator's alert names, as a PromQL regular expression matching exactly them. */
const managedAlertsRegex = (c: StackConfig) => managedAlertNames(c).map(promqlRegexLiteral).join("|");

/**
 * Raw samples of the managed evaluator's ALERTS of this stack over the month, with the labels the
 * cluster's alerts have (managed.ts). The same range as every other: Monarch's PromQL is Prometheus
 * 2.44's, whose ranges include their start, which only an evaluation exactly 1 ms before the month's
 * start would fall on.
 */
async function evaluatorAlerts(c: StackConfig, api: QueryApi, month: Month, replicas: Replica[]): Promise<Series[]> {
  const { range, time } = span(month);
  const found = await api.matrix(`${S.alerts}{${[`alertname=~"${managedAlertsRegex(c)}"`, ...managedAlertMatchers(c)].join(", ")}}[${range}]`, time);
  // A replica's environment matcher is set exactly where its series carry the external labels (replicas.ts).
  const external = replicas.every((r) => r.environment !== "");
  return found.map((s) => ({ metric: likeClusterAlerts(c, s.metric, external), values: s.values }));
}

/** One series per alert, the replicas' samples together (each replica evaluates at a phase of its own). */
export function unionByAlert(series: Series[], replicaLabelNames: Set<string>): Series[] {
  const byKey = new Map<string, Series>();
  for (const s of series) {
    const metric = Object.fromEntries(Object.entries(s.metric).filter(([k]) => !replicaLabelNames.has(k)));
    const key = JSON.stringify(Object.entries(metric).sort(([a], [b]) => a.localeCompare(b)));
    const merged = byKey.get(key) ?? { metric, values: [] };
    merged.values.push(...s.values);
    byKey.set(key, merged);
  }
  // Two replicas evaluating at the same moment are one evaluation.
  for (const s of byKey.values()) s.values = [...new Map(s.values.map((v) => [v[0], v])).values()].sort((a, b) => a[0] - b[0]);
  return [...byKey.values()];
}

/** A string matched literally by a PromQL regular expression, inside a double-quoted PromQL string. */
export const promqlRegexLiteral = (s: string) => regexLiteral(s).replace(/\\/g, "\\\\").replace(/"/g, '\\"');

/** Queries fetchMonth makes, for the progress line (the licenses' minutes only when a license had failures). */
export const queryCount = (month: Month, replicas: number, managed: boolean) => month.days.length * (replicas + 4) + 3 + replicas + (managed ? 1 : 0);
