// Every query the report makes, and nothing else: the month's history as plain data for compute.ts.
// Queries are instant queries over whole days or the whole month (sum_over_time, count_over_time,
// increase): each reads its samples once inside Prometheus, so a month costs about 7 queries per day
// plus a handful, seconds against a Prometheus holding 30 days, whatever the scrape interval.
import type { StackConfig } from "../config";
import { selectors, SLI_SERIES, SLO_NAME } from "../lib/identities";
import type { Month, Period } from "./month";
import type { QueryApi, Series } from "./prometheus";

/**
 * Every series the report reads, by name. A monthly run queries the long-term store, which must keep
 * each of them (render/remote-write.ts; the end-to-end test asks the local store for every one). The
 * per-license figures come only from an API that labels its request counter per license: that counter
 * never leaves the cluster, so a report from the long-term store has none.
 */
export const REPORT_SERIES = {
  unavailable: SLI_SERIES.unavailable,
  errorRate: SLI_SERIES.errors,
  requestRate: SLI_SERIES.requests,
  tierErrorRate: "tier:license_validation_errors:rate5m",
  tierRequestRate: "tier:license_validation_requests:rate5m",
  failedValidations: "license_validation_errors_total",
  alerts: "ALERTS",
} as const;
const S = REPORT_SERIES;

export interface Rates {
  /** sum_over_time of the 5m error and request rates: their ratio is the traffic-weighted error ratio. */
  errors: number;
  requests: number;
}

export interface DayData {
  period: Period;
  /** Evaluations at which the API could not answer, and evaluations recorded at all. */
  unavailable: number;
  samples: number;
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
   * Raw samples of ALERTS (pending and firing), the Watchdog excepted: the stack's own alerts and the
   * chart's, since both reach this stack's Alertmanager and whether they reached anyone is the question,
   * and the inhibition sources, which say what was muted.
   */
  alerts: Series[];
}

/** A range selector covering [start, end): evaluated 1 ms before the end, reaching back to the start. */
const span = (p: Period) => ({ time: p.end - 0.001, range: `${Math.round((p.end - p.start) * 1000) - 1}ms` });

export const TOP_LICENSES = 10;

export async function fetchMonth(c: StackConfig, month: Month, api: QueryApi, concurrency = 8): Promise<MonthData> {
  const { api: job } = selectors(c);
  const slo = `{slo="${SLO_NAME}"}`;
  const scalar = async (expr: string, p: Period) => {
    const { time } = span(p);
    const r = await api.vector(expr, time);
    return r.length ? r[0].value[1] : 0;
  };
  const byLabel = async (expr: string, label: string, p: Period) => {
    const r = await api.vector(expr, span(p).time);
    return Object.fromEntries(r.map((s) => [s.metric[label] ?? "", s.value[1]]));
  };

  const day = async (p: Period): Promise<DayData> => {
    const { range } = span(p);
    const [unavailable, samples, errors, requests, tierErrors, tierRequests] = await Promise.all([
      scalar(`sum_over_time(${S.unavailable}${slo}[${range}])`, p),
      scalar(`count_over_time(${S.unavailable}${slo}[${range}])`, p),
      scalar(`sum_over_time(${S.errorRate}${slo}[${range}])`, p),
      scalar(`sum_over_time(${S.requestRate}${slo}[${range}])`, p),
      byLabel(`sum by (tier) (sum_over_time(${S.tierErrorRate}[${range}]))`, "tier", p),
      byLabel(`sum by (tier) (sum_over_time(${S.tierRequestRate}[${range}]))`, "tier", p),
    ]);
    const tiers = Object.fromEntries(
      [...new Set([...Object.keys(tierErrors), ...Object.keys(tierRequests)])].map((t) => [t, { errors: tierErrors[t] ?? 0, requests: tierRequests[t] ?? 0 }]),
    );
    return { period: p, unavailable, samples, overall: { errors, requests }, tiers };
  };

  // A few days at a time: enough to be quick, few enough not to load a shared Prometheus.
  const days: DayData[] = [];
  for (let i = 0; i < month.days.length; i += concurrency) days.push(...(await Promise.all(month.days.slice(i, i + concurrency).map(day))));

  const { range, time } = span(month);
  const [tierFailed, tierMinutes, licenses, alerts] = await Promise.all([
    byLabel(`sum by (tier) (increase(${S.failedValidations}{${job}}[${range}]))`, "tier", month),
    byLabel(`sum by (tier) (count_over_time((${S.tierErrorRate} > 0)[${range}:5m])) * 5`, "tier", month),
    // Only an API labelled as ADR-019 has license_key on the request counter; the metric contract has no
    // per-license label there, and its series must not be summed into one license with an empty key.
    api.vector(`topk(${TOP_LICENSES}, sum by (license_key, tier) (increase(license_validation_requests_total{${job}, status="error", license_key!=""}[${range}])) > 0)`, time),
    api.matrix(`${S.alerts}{alertname!="Watchdog"}[${range}]`, time),
  ]);
  // Minutes affected only for the top licenses: a month of 5-minute steps over every license's series
  // would be the one slow query of the report.
  const keys = licenses.map((s) => s.metric.license_key ?? "");
  const minutes = keys.length
    ? await byLabel(
        `sum by (license_key) (count_over_time((sum by (license_key) (rate(license_validation_requests_total{${job}, status="error", license_key=~"${keys.map(promqlRegexLiteral).join("|")}"}[5m])) > 0)[${range}:5m])) * 5`,
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
  };
}

/** A string matched literally by a PromQL regular expression, inside a double-quoted PromQL string. */
export const promqlRegexLiteral = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\/g, "\\\\").replace(/"/g, '\\"');

/** Queries fetchMonth makes, for the progress line (the licenses' minutes only when a license had failures). */
export const queryCount = (month: Month) => month.days.length * 6 + 5;
