// Input series labelled exactly as their exporters write them (see rules/metric-contract.ts), plus
// the target labels Prometheus adds. One place, so every test speaks the same metric contract.
import type { StackConfig } from "../../config";
import { contractMetric, leLabel } from "../metric-contract";
import { seconds } from "../../lib/duration";
import { seatsJob } from "../../lib/identities";
import { evalAtOrAfter, linear, quantileInOneBucket, rate, series, type InputSeries, type Labels } from "./promtool";

export const PODS = ["license-api-5d8f7c9b4-k2x9p", "license-api-5d8f7c9b4-q7wz4"] as const;

/** A bucket (lower, upper] of a histogram, +Inf included. */
export interface Bucket {
  lower: number;
  upper: number;
}

/** The first bucket lying wholly above `threshold`; the +Inf bucket when none does. */
export function bucketAbove(metric: string, threshold: number): Bucket {
  const bounds = [0, ...(contractMetric(metric).buckets ?? []), Infinity];
  const i = bounds.findIndex((_, k) => k > 0 && bounds[k - 1] >= threshold);
  if (i < 0) throw new Error(`no bucket of ${metric} lies above ${threshold}`);
  return { lower: bounds[i - 1], upper: bounds[i] };
}

/** The last bucket lying wholly at or below `threshold`. */
export function bucketBelow(metric: string, threshold: number): Bucket {
  const bounds = [0, ...(contractMetric(metric).buckets ?? [])];
  let i = bounds.length - 1;
  while (i > 0 && bounds[i] > threshold) i--;
  if (i < 1) throw new Error(`no bucket of ${metric} lies below ${threshold}`);
  return { lower: bounds[i - 1], upper: bounds[i] };
}

/**
 * histogram_quantile when every observation of the window fell into one bucket; in +Inf it reports
 * the highest finite bound, all a histogram knows.
 */
export const quantileOf = (q: number, b: Bucket, bucketRate: number) =>
  b.upper === Infinity ? b.lower : quantileInOneBucket(q, b.lower, b.upper, bucketRate);

export function fixtures(c: StackConfig) {
  const job = c.licenseApi.job;
  const api = (name: string, labels: Labels, values: string) => series(name, { ...labels, job }, values);
  const container = (pod: string) => ({ namespace: c.namespaces.licenseApi, pod, container: c.licenseApi.container });
  /** Cumulative buckets of a histogram whose observations all fall into one bucket. */
  const histogram = (metric: string, labels: Labels, bucket: Bucket, perStep: number, steps: number): InputSeries[] => {
    const bounds = [...(contractMetric(metric).buckets ?? []), Infinity];
    return [
      ...bounds.map((b) => api(`${metric}_bucket`, { ...labels, le: leLabel(b) }, linear(0, b >= bucket.upper ? perStep : 0, steps))),
      api(`${metric}_count`, labels, linear(0, perStep, steps)),
    ];
  };
  return {
    requests: (license_key: string, status: string, tier: string, values: string) =>
      api("license_validation_requests_total", { license_key, status, tier }, values),
    errors: (error_type: string, tier: string, values: string) => api("license_validation_errors_total", { error_type, tier }, values),
    latency: (endpoint: string, bucket: Bucket, perStep: number, steps: number) =>
      histogram("license_validation_latency_seconds", { endpoint }, bucket, perStep, steps),
    activeSessions: (license_key: string, tenant_id: string, values: string, target: Labels = {}) =>
      api("active_sessions", { license_key, tenant_id, ...target }, values),
    seatDenials: (license_key: string, tenant_id: string, values: string) => api("seat_denials_total", { license_key, tenant_id }, values),
    /**
     * A license's two series from the seats exporter, labelled as its ServiceMonitor's relabelings leave
     * them (render/prometheus-config.ts, seatsRelabelings): its sessions and their share of its seats.
     */
    seatsOf: (license: Labels, sessions: string, utilisation: string): InputSeries[] => {
      const target = { job: seatsJob(c), instance: c.licenseApi.seats.service, namespace: c.namespaces.licenseApi };
      return [series("active_sessions", { ...license, ...target }, sessions), series("license_seat_utilisation_ratio", { ...license, ...target }, utilisation)];
    },
    redis: (operation: string, status: string, values: string) => api("redis_operations_total", { operation, status }, values),
    dbLatency: (table: string, operation: string, bucket: Bucket, perStep: number, steps: number) =>
      histogram("database_query_latency_seconds", { table, operation }, bucket, perStep, steps),
    /** What Prometheus records for every scrape of a target: the samples the target exported. */
    samplesScraped: (pod: string, values: string) =>
      api("scrape_samples_scraped", { instance: `${pod}:${c.licenseApi.metricsPort}`, pod, namespace: c.namespaces.licenseApi }, values),
    up: (pod: string, values: string) => api("up", { instance: `${pod}:${c.licenseApi.metricsPort}`, pod, namespace: c.namespaces.licenseApi }, values),
    container,
    cpu: (pod: string, values: string) => series("container_cpu_usage_seconds_total", container(pod), values),
    memory: (pod: string, values: string) => series("container_memory_working_set_bytes", container(pod), values),
    startTime: (pod: string, startedAt: number, steps: number) => series("container_start_time_seconds", container(pod), linear(startedAt, 0, steps)),
    cpuRequest: (pod: string, cores: number, steps: number) =>
      series("kube_pod_container_resource_requests", { ...container(pod), resource: "cpu", unit: "core" }, linear(cores, 0, steps)),
    memoryLimit: (pod: string, bytes: number, steps: number) =>
      series("kube_pod_container_resource_limits", { ...container(pod), resource: "memory", unit: "byte" }, linear(bytes, 0, steps)),
  };
}


/**
 * The cadences tests run at: series sampled at the API's scrape interval, rules evaluated at the rule
 * groups' interval, unless a test needs coarser ones to cover a day of history in little time.
 */
export function cadence(c: StackConfig, coarse?: { step: number; evalEvery: number }) {
  const step = coarse?.step ?? seconds(c.licenseApi.scrapeInterval);
  const evalEvery = coarse?.evalEvery ?? seconds(c.prometheus.evaluationInterval);
  if (step % evalEvery !== 0 && evalEvery % step !== 0) throw new Error(`sample interval ${step}s and evaluation interval ${evalEvery}s must nest`);
  const rateAt = (perStep: number, t: number, window: string) => {
    const w = seconds(window);
    const first = Math.max(0, t - w);
    if (t % step !== 0 || first % step !== 0) throw new Error(`rateAt(${t}, ${window}) would extrapolate`);
    return rate((perStep * (t - first)) / step, w);
  };
  return {
    step,
    evalEvery,
    /** rate() needs two samples: a counter starting at 0 first has a rate at its second sample. */
    rateOnset: evalAtOrAfter(step, evalEvery),
    /** Samples (a+bxN's N) to cover evaluations up to `t` seconds. */
    stepsUntil: (t: number) => Math.ceil(t / step) + 1,
    /**
     * rate() at `t` over `window` of a counter growing `perStep` per sample from 0 at time 0: while
     * the window reaches back before the counter existed, rate() divides by the whole window.
     */
    rateAt,
    /** The first evaluation from `from` on, on the sample grid, at which `holds` is true. */
    onsetWhen(holds: (t: number) => boolean, from = 0): number {
      const every = Math.max(step, evalEvery);
      for (let t = evalAtOrAfter(from, every); t <= from + 86400; t += every) if (holds(t)) return t;
      throw new Error("the expression never holds within a day");
    },
  };
}
