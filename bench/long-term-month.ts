// A month of the series the SLO dashboard's long-range panels read (lib/long-term.ts), as the long-term
// store holds them, for the long-range benchmark (bench/long-range.ts).
//
// Every Prometheus replica evaluates the SLO rules (rules/slo.ts) every prometheus.evaluationInterval,
// each at a moment of its own within the interval, and remote-writes what it records with its external
// labels (render/prometheus-config.ts): the same `cluster` and `environment`, its own `__replica__`.
// Mimir's HA tracker keeps one replica's samples per cluster, drops the replica label, and takes the
// other replica's once the kept one has sent nothing for its failover timeout. So the store holds one
// series per name and environment, with a gap about that timeout long wherever the kept replica
// stopped; that is what this writes, since a query on the store reads what Mimir kept, not what both
// replicas sent.
//
// The month: validations with a daily and weekly rhythm and a trickle of failures, two outages, an
// error episode in the chart's last hours, the Prometheus StatefulSet rolled weekly (highest ordinal
// first, so the kept replica restarts in each roll and the other takes over) and one replica drained off
// its node for a quarter of an hour. The values are the rules' own: each replica's windows average what
// that replica recorded.
import * as fs from "fs";
import type { StackConfig } from "../config";
import { seconds } from "../lib/duration";
import { errorBudget, SLI_SERIES, sliBad, sliObserved, sliRatio, sliUnavailable, SLO_NAME } from "../lib/identities";
import { longRangePanelSeries } from "../lib/long-term";
import { inClusterTargets, prometheusConfig } from "../render/prometheus-config";
import { REPLICA_LABEL } from "../render/remote-write";

const DAY = 86400;
/** Mimir's `-distributor.ha-tracker.failover-timeout` default: how long the kept replica may be silent. */
export const HA_FAILOVER_TIMEOUT = 30;

export interface StoredSeries {
  name: string;
  labels: Record<string, string>;
  /** Seconds since the epoch, ascending. */
  times: number[];
  values: number[];
}

export interface Month {
  series: StoredSeries[];
  /** What happened in the month, for the benchmark's report. */
  events: string[];
}

interface Window {
  start: number;
  seconds: number;
}
const inside = (t: number, w: Window) => t >= w.start && t < w.start + w.seconds;

/** A small seeded generator (mulberry32): the same month on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Noise that drifts rather than jumps (a 5-minute rate is smooth): an AR(1) walk around 0 of deviation 1. */
function drift(rand: () => number, n: number, keep = 0.995): Float64Array {
  const out = new Float64Array(n);
  const step = Math.sqrt(3 * (1 - keep * keep));
  let x = 0;
  for (let i = 0; i < n; i++) out[i] = x = keep * x + (2 * rand() - 1) * step;
  return out;
}

/**
 * The chosen replica's samples per Mimir's HA tracker: the first replica to send is kept until it has
 * sent nothing for the failover timeout, then the next one to send is kept instead.
 */
export function haDeduplicate(streams: number[][]): { replica: number; index: number }[] {
  const heads = streams.map(() => 0);
  const kept: { replica: number; index: number }[] = [];
  let leader = -1;
  let lastSeen = -Infinity;
  for (;;) {
    let r = -1;
    for (let i = 0; i < streams.length; i++) if (heads[i] < streams[i].length && (r < 0 || streams[i][heads[i]] < streams[r][heads[r]])) r = i;
    if (r < 0) return kept;
    const t = streams[r][heads[r]];
    if (r !== leader && t - lastSeen > HA_FAILOVER_TIMEOUT) leader = r;
    if (r === leader) {
      kept.push({ replica: r, index: heads[r] });
      lastSeen = t;
    }
    heads[r]++;
  }
}

/** Sums over the evaluations in (t - w, t] of one replica, kept as the evaluations advance. */
class SlidingWindow {
  private lo = 0;
  unavailable = 0;
  evaluations = 0;
  errors = 0;
  requests = 0;
  constructor(
    private readonly w: number,
    private readonly r: Recorded,
  ) {}
  advanceTo(k: number): void {
    const { times, unavailable, errors, requests } = this.r;
    this.unavailable += unavailable[k];
    this.evaluations++;
    if (!Number.isNaN(requests[k])) {
      this.errors += errors[k];
      this.requests += requests[k];
    }
    while (times[this.lo] <= times[k] - this.w) {
      this.unavailable -= unavailable[this.lo];
      this.evaluations--;
      if (!Number.isNaN(requests[this.lo])) {
        this.errors -= errors[this.lo];
        this.requests -= requests[this.lo];
      }
      this.lo++;
    }
  }
  /** The window's share the API could not answer, and its request error ratio (none without validations). */
  ratios(): { unavailable: number; requestErrors: number } {
    return { unavailable: this.unavailable / this.evaluations, requestErrors: this.requests > 0 ? this.errors / this.requests : 0 };
  }
}

/** What one replica records at each of its evaluations: the SLI and the 5-minute rates (NaN: no sample). */
interface Recorded {
  times: number[];
  unavailable: number[];
  errors: number[];
  requests: number[];
}

export interface MonthOptions {
  /** The last moment of the month (seconds since the epoch). */
  end: number;
  /** How far back from `end` the store holds samples. */
  span: number;
  /** Validations per second at the daily peak. */
  peakRate: number;
  seed: number;
}

export function longTermMonth(c: StackConfig, o: MonthOptions): Month {
  const rand = random(o.seed);
  const every = seconds(c.prometheus.evaluationInterval);
  const window = seconds(c.slo.window);
  const writeFrom = o.end - o.span;
  // The replicas ran a whole SLO window before the store's first sample, so every window is full.
  const from = writeFrom - window;
  const steps = Math.ceil((o.end - from) / every);
  const traffic = drift(rand, steps);
  const failures = drift(rand, steps);
  const replicas = c.prometheus.replicas;

  // Inside the store's month, at moments of the seed's choosing.
  const at = (daysAgoFrom: number, daysAgoTo: number) => Math.round(o.end - (daysAgoFrom + rand() * (daysAgoTo - daysAgoFrom)) * DAY);
  const outages: Window[] = [
    { start: at(2, 14), seconds: 4 * 60 },
    { start: at(15, 28), seconds: 12 * 60 },
  ];
  const episode = { start: o.end - Math.round((1 + rand() * 4) * 3600), seconds: 10 * 60, share: 0.1 };
  // The weekly roll: each pod down for 75 s, the highest ordinal first, the next 30 s after it is back.
  const rolls: number[] = [];
  for (let t = from + 2.6 * DAY; t < o.end; t += 7 * DAY) rolls.push(t);
  const down: Window[][] = Array.from({ length: replicas }, (_, r) => rolls.map((t) => ({ start: t + (replicas - 1 - r) * 105, seconds: 75 })));
  const drain = replicas > 1 ? { replica: 0, start: at(1, 28), seconds: 15 * 60 } : undefined;
  if (drain) down[drain.replica].push(drain);

  const rateAt = (t: number, i: number) => {
    const hour = ((t % DAY) + DAY) % DAY / 3600;
    const weekday = new Date(t * 1000).getUTCDay();
    const rhythm = (0.6 + 0.4 * Math.cos((2 * Math.PI * (hour - 15)) / 24)) * (weekday === 0 || weekday === 6 ? 0.55 : 1);
    return o.peakRate * rhythm * (1 + 0.05 * traffic[i]);
  };
  const failingShare = (t: number, i: number) => (inside(t, episode) ? episode.share : 0.0002 * Math.exp(0.5 * failures[i]));

  const recorded: Recorded[] = Array.from({ length: replicas }, (_, r) => {
    const phase = rand() * every;
    const out: Recorded = { times: [], unavailable: [], errors: [], requests: [] };
    for (let i = 0; i < steps; i++) {
      const t = Math.round((from + i * every + phase) * 1000) / 1000;
      if (down[r].some((w) => inside(t, w))) continue;
      const dead = outages.some((w) => inside(t, w));
      const requests = rateAt(t, i);
      out.times.push(t);
      out.unavailable.push(dead ? 1 : 0);
      // A dead API exports nothing: no rates while it is down.
      out.requests.push(dead ? NaN : requests);
      out.errors.push(dead ? NaN : requests * failingShare(t, i));
    }
    return out;
  });

  const budget = errorBudget(c);
  // What each replica records at its k-th evaluation, per series the panels read.
  const perReplica = recorded.map((rec) => {
    const hour = new SlidingWindow(seconds("1h"), rec);
    const slo = new SlidingWindow(window, rec);
    const values = new Map<string, number[]>();
    const put = (name: string, v: number) => (values.get(name) ?? values.set(name, []).get(name)!).push(v);
    for (let k = 0; k < rec.times.length; k++) {
      hour.advanceTo(k);
      slo.advanceTo(k);
      put(SLI_SERIES.unavailable, rec.unavailable[k]);
      for (const [w, s] of [["1h", hour], [c.slo.window, slo]] as const) {
        const r = s.ratios();
        put(sliUnavailable(w), r.unavailable);
        put(sliRatio(w), sliBad(r.unavailable, r.requestErrors));
      }
      put(sliObserved(c.slo.window), slo.evaluations / (window / every));
      put("slo:objective:ratio", c.slo.availabilityTarget);
      put("slo:error_budget:remaining_ratio", 1 - values.get(sliRatio(c.slo.window))![k] / budget);
    }
    return values;
  });
  const names = longRangePanelSeries(c);
  for (const name of names) if (!perReplica[0].has(name)) throw new Error(`the month has no values for ${name}, which the long-range panels read: add them to bench/long-term-month.ts`);

  const { [REPLICA_LABEL]: _replica, ...external } = prometheusConfig(c, inClusterTargets(c)).global.external_labels;
  const kept = haDeduplicate(recorded.map((r) => r.times)).filter(({ replica, index }) => recorded[replica].times[index] >= writeFrom);
  const series = [...new Set(names)].map((name) => ({
    name,
    labels: { slo: SLO_NAME, ...external },
    times: kept.map(({ replica, index }) => recorded[replica].times[index]),
    values: kept.map(({ replica, index }) => perReplica[replica].get(name)![index]),
  }));

  const stored = series[0].times;
  const gaps = stored.slice(1).map((t, i) => t - stored[i]).filter((d) => d > 1.5 * every);
  const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ");
  const events = [
    `${c.environment}: ${replicas} replica(s) evaluating every ${every} s; ${outages.map((w) => `an outage of ${w.seconds / 60} min at ${iso(w.start)}`).join(", ")}; ${episode.share * 100} % of validations failing for ${episode.seconds / 60} min at ${iso(episode.start)}`,
    `${c.environment}: the StatefulSet rolled ${rolls.length} times${drain ? `, replica ${drain.replica} drained for ${drain.seconds / 60} min at ${iso(drain.start)}` : ""}; the store keeps ${stored.length.toLocaleString("en")} samples per series${gaps.length ? `, with ${gaps.length} gaps of ${Math.round(Math.min(...gaps))} to ${Math.round(Math.max(...gaps))} s` : ""}`,
  ];
  return { series, events };
}

/** Writes series as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`: a family at a time, each series in time order. */
export function writeOpenMetrics(file: string, series: StoredSeries[]): number {
  const fd = fs.openSync(file, "w");
  let buffer = "";
  let samples = 0;
  const out = (s: string) => {
    buffer += s;
    if (buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer);
      buffer = "";
    }
  };
  for (const name of [...new Set(series.map((s) => s.name))]) {
    out(`# TYPE ${name} gauge\n`);
    for (const s of series.filter((x) => x.name === name)) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",");
      s.times.forEach((t, i) => out(`${name}{${labels}} ${s.values[i]} ${t.toFixed(3)}\n`));
      samples += s.times.length;
    }
  }
  out("# EOF\n");
  fs.writeSync(fd, buffer);
  fs.closeSync(fd);
  return samples;
}
