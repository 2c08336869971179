// The requests Grafana sends a Prometheus-type data source for a dashboard's panels at the dashboard's
// default time range: each target's expression with the template variables at their defaults and the
// interval variables at the panel's interval, as a range query (start and end aligned to the step) or
// an instant query at the range's end. The step is Grafana's: the range over the panel's data points
// (maxDataPoints, by default the panel's width in pixels) rounded to a "nice" interval, never below the
// panel's min interval or the data source's `timeInterval` (pkg/promlib and gtime.RoundInterval in
// grafana/grafana).
import { allPanels, type DashboardModel } from "../dashboards/common";
import { duration, seconds } from "../lib/duration";
import { variableDefaults, type Target } from "../test/grafana/dashboard-queries";
import { substitute } from "../test/grafana/promql";

/** Grafana's dashboard grid is 24 columns wide. */
const GRID_COLUMNS = 24;

/** gtime.RoundInterval: an interval up to the first figure becomes the second (seconds). */
const ROUNDING: [upTo: number, to: number][] = [
  [0.01, 0.001], [0.015, 0.01], [0.035, 0.02], [0.075, 0.05], [0.15, 0.1], [0.35, 0.2], [0.75, 0.5],
  [1.5, 1], [3.5, 2], [7.5, 5], [12.5, 10], [17.5, 15], [25, 20], [45, 30], [90, 60], [210, 120],
  [450, 300], [750, 600], [1050, 900], [1500, 1200], [2700, 1800], [5400, 3600], [9000, 7200],
  [16200, 10800], [32400, 21600], [86400, 43200], [172800, 86400], [604800, 86400], [1814400, 604800],
];

export function roundInterval(s: number): number {
  const hit = ROUNDING.find(([upTo]) => s <= upTo);
  if (hit) return hit[1];
  return s < 3628800 ? 2592000 : 31536000;
}

/** The step Grafana asks for: the range spread over the panel's data points, rounded, at least the min interval. */
export function grafanaStep(rangeSeconds: number, maxDataPoints: number, minIntervalSeconds: number): number {
  return Math.max(roundInterval(rangeSeconds / maxDataPoints), minIntervalSeconds);
}

export interface PanelRequest {
  panelId: number;
  title: string;
  refId: string;
  legend: string;
  expr: string;
  /** Range query over [start, end] every `step` seconds, or an instant query at `end`. */
  kind: "range" | "instant";
  start: number;
  end: number;
  step: number;
  /** The data points Grafana asked for: the panel's maxDataPoints or its width in pixels. */
  maxDataPoints: number;
}

/** The dashboard's default range ("now-6h" to "now") in seconds. */
export function defaultRangeSeconds(model: DashboardModel): number {
  const from = /^now-(\w+)$/.exec(model.time?.from ?? "");
  if (!from || model.time?.to !== "now") throw new Error(`expected a dashboard time of now-<duration> to now, got ${JSON.stringify(model.time)}`);
  return seconds(from[1]);
}

/**
 * Every query a dashboard sends to the data source `uid`, as Grafana sends it with the range ending at
 * `end` (seconds), its panels drawn on a dashboard `widthPx` pixels wide.
 */
export function panelRequests(model: DashboardModel, uid: string, minInterval: string, end: number, widthPx: number): PanelRequest[] {
  const range = defaultRangeSeconds(model);
  const defaults = variableDefaults(model);
  return allPanels(model).flatMap((p) => {
    const targets = ((p.targets ?? []) as (Target & { instant?: boolean; interval?: string })[]).filter((t) => t.expr !== undefined);
    const onUid = (t: Target) => substitute(t.datasource?.uid ?? p.datasource?.uid ?? "", defaults) === uid;
    return targets.filter(onUid).map((t): PanelRequest => {
      const maxDataPoints = p.maxDataPoints ?? Math.round(((p.gridPos?.w ?? GRID_COLUMNS) / GRID_COLUMNS) * widthPx);
      const step = grafanaStep(range, maxDataPoints, seconds(t.interval || p.interval || minInterval));
      // $__rate_interval: at least four samples of the data source, and a step's worth past one.
      const rateInterval = Math.max(4 * seconds(minInterval), step + seconds(minInterval));
      const builtins = {
        __interval: duration(step),
        __interval_ms: String(step * 1000),
        __rate_interval: duration(rateInterval),
        __range: duration(range),
        __range_s: String(range),
        __range_ms: String(range * 1000),
      };
      return {
        panelId: p.id ?? 0,
        title: p.title ?? "",
        refId: t.refId ?? "",
        legend: t.legendFormat ?? "",
        expr: substitute(t.expr!, { ...defaults, ...builtins }),
        kind: t.instant ? "instant" : "range",
        // Grafana aligns a range query's start and end down to a multiple of the step; an instant
        // query is at the range's end.
        start: t.instant ? end : Math.floor((end - range) / step) * step,
        end: t.instant ? end : Math.floor(end / step) * step,
        step,
        maxDataPoints,
      };
    });
  });
}
