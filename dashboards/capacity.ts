// Saturation now and forecast: the API containers' CPU against their requests (CPU limits are left
// unset on GKE; the alert measures against requests), memory against the limit the OOM killer
// enforces, and the seat forecast the SeatLimitForecast alert pages on.
import type { StackConfig } from "../config";
import {
  aggregateQuery,
  buildDashboard,
  Layout,
  panels,
  seatUtilisationSteps,
  statPanel,
  timeSeriesPanel,
  type DashboardModel,
} from "./common";
import { DASHBOARDS, SEAT_AGGREGATES, SEAT_FORECAST, selectors } from "../lib/identities";

const P = DASHBOARDS.capacity.panels;

export function capacityDashboard(c: StackConfig): DashboardModel {
  const t = c.alerts;
  const f = t.forecast;
  const s = selectors(c);
  const cpuUsage = `sum by (pod) (rate(container_cpu_usage_seconds_total{${s.container}}[$__rate_interval]))`;
  const cpuRequest = `max by (pod) (kube_pod_container_resource_requests{${s.container}, resource="cpu"})`;
  const memoryUsage = `max by (pod) (container_memory_working_set_bytes{${s.container}})`;
  const memoryLimit = `max by (pod) (kube_pod_container_resource_limits{${s.container}, resource="memory"})`;
  const layout = new Layout();
  return buildDashboard(c, {
    key: "capacity",
    title: "License API capacity",
    description: "CPU and memory of the license API's containers against what they are given, and seat usage forecasts.",
    variables: [],
    panels: panels(layout, [
      [
        timeSeriesPanel,
        {
          id: P.cpu,
          title: "CPU usage / CPU request by pod",
          description: `CPU used over the container's CPU request. HighCPUUsage fires above ${t.cpuUtilisation.threshold * 100}% for ${t.cpuUtilisation.for}; CPUSaturationForecast when the ${f.lookback} trend crosses the request within ${f.horizon}.`,
          unit: "percentunit",
          min: 0,
          steps: [
            [t.cpuUtilisation.threshold, "orange"],
            [1, "red"],
          ],
          queries: [{ expr: `${cpuUsage} / ${cpuRequest}`, legend: "{{pod}}" }],
        },
      ],
      [
        timeSeriesPanel,
        {
          id: P.memory,
          title: "Memory working set / memory limit by pod",
          description: `Working set over the container's memory limit; the OOM killer acts at 100%. HighMemoryUsage fires above ${t.memoryUtilisation.threshold * 100}% for ${t.memoryUtilisation.for}.`,
          unit: "percentunit",
          min: 0,
          max: 1,
          steps: [
            [t.memoryUtilisation.threshold, "orange"],
            [1, "red"],
          ],
          queries: [{ expr: `${memoryUsage} / ${memoryLimit}`, legend: "{{pod}}" }],
        },
      ],
      [
        timeSeriesPanel,
        {
          id: P.seatForecast,
          title: `Seat usage forecast (${f.horizon} ahead)`,
          description: `Seat utilisation of the fullest license now, and the highest any license reaches in ${f.horizon} at the trend of the last ${f.lookback}, each against its own seat limit. SeatLimitForecast fires when a license is forecast to reach its limit for ${f.for}. A license is forecast once its samples span half the ${f.lookback} lookback: after a Prometheus starts on an empty volume, and for a new license, not before.`,
          unit: "percentunit",
          min: 0,
          steps: seatUtilisationSteps(t),
          queries: [
            aggregateQuery(c, SEAT_AGGREGATES.utilisationFullest, { legend: "fullest license now" }),
            aggregateQuery(c, SEAT_FORECAST.fullest, { legend: `fullest license in ${f.horizon}` }),
          ],
        },
      ],
      [
        statPanel,
        {
          id: 4,
          title: "Licenses forecast to reach their seat limit",
          description: `Licenses whose ${f.lookback} trend reaches the seat limit within ${f.horizon}, among those whose samples span half that lookback (recorded once per forecast evaluation, every ${f.evaluationInterval}).`,
          unit: "short",
          w: 6,
          base: "green",
          steps: [[1, "orange"]],
          // `on ()`: 0 only where the count has no series. Read from Monarch it carries the evaluator's
          // scope labels, and a plain `or vector(0)` would add a second, label-less 0 beside it.
          queries: [aggregateQuery(c, SEAT_FORECAST.atLimit, { legend: "licenses", instant: true }, (selected) => `${selected} or on () vector(0)`)],
        },
      ],
      [
        timeSeriesPanel,
        {
          id: 5,
          title: "CPU cores used and requested",
          description: "Absolute CPU use of all license API containers against the sum of their requests.",
          unit: "short",
          min: 0,
          w: 9,
          queries: [
            { expr: `sum(rate(container_cpu_usage_seconds_total{${s.container}}[$__rate_interval]))`, legend: "used" },
            { expr: `sum(kube_pod_container_resource_requests{${s.container}, resource="cpu"})`, legend: "requested" },
          ],
        },
      ],
      [
        timeSeriesPanel,
        {
          id: 6,
          title: "Memory used and limit",
          description: "Absolute working set of all license API containers against the sum of their memory limits.",
          unit: "bytes",
          min: 0,
          w: 9,
          queries: [
            { expr: `sum(container_memory_working_set_bytes{${s.container}})`, legend: "working set" },
            { expr: `sum(kube_pod_container_resource_limits{${s.container}, resource="memory"})`, legend: "limit" },
          ],
        },
      ],
    ]),
  });
}

