// The long-range benchmark's two models: the requests Grafana sends for the SLO dashboard's panels on
// the long-term store, and the month that store holds of two replicas' series after Mimir's HA
// deduplication. Its timings are never asserted; what it sends and what it queries are.
import { DASHBOARD_BUILDERS, dataSources, timeIntervals } from "../../dashboards";
import { grafanaStep, panelRequests, roundInterval } from "../../bench/grafana-request";
import { HA_FAILOVER_TIMEOUT, haDeduplicate, longTermMonth } from "../../bench/long-term-month";
import { seconds } from "../../lib/duration";
import { longRangePanelSeries } from "../../lib/long-term";
import { REPLICA_LABEL } from "../../render/remote-write";
import { testStackConfig } from "../stack-config";

const c = testStackConfig("prod");
const SIX_HOURS = 6 * 3600;

test("Grafana's step: the range over the panel's points, rounded as Grafana rounds, never below the min interval", () => {
  expect([21.6, 43.2, 604.8, 2592].map(roundInterval)).toEqual([20, 30, 600, 1800]);
  expect(grafanaStep(SIX_HOURS, 1000, 15)).toBe(20);
  expect(grafanaStep(SIX_HOURS, 500, 15)).toBe(30);
  expect(grafanaStep(SIX_HOURS, 1000, 60)).toBe(60);
});

test("the SLO dashboard's long-range queries go out as Grafana sends them: range queries aligned to their step, the gauge instant at the range's end", () => {
  const end = 1_780_000_007;
  const requests = panelRequests(DASHBOARD_BUILDERS.slo(c), dataSources(c).longTerm.uid, timeIntervals(c).longTerm, end, 2000);
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    expect(r.expr).not.toContain("$");
    expect(r.expr).toContain(`environment="${c.environment}"`);
    if (r.kind === "instant") expect([r.start, r.end]).toEqual([end, end]);
    else {
      expect([r.start % r.step, r.end % r.step]).toEqual([0, 0]);
      expect(r.end - r.start).toBeGreaterThanOrEqual(SIX_HOURS - r.step);
      expect(r.step).toBeGreaterThanOrEqual(seconds(timeIntervals(c).longTerm));
    }
  }
  // The half-width availability panel on a dashboard 2000 px wide: a thousand points.
  expect(requests.filter((r) => r.maxDataPoints === 1000 && r.kind === "range").length).toBeGreaterThan(0);
});

test("Mimir's HA tracker keeps the first replica until it is silent past the failover timeout, then the other, and does not switch back", () => {
  const every = 15;
  const upTo = (from: number, to: number, phase: number) => Array.from({ length: Math.ceil((to - from) / every) }, (_, i) => from + phase + i * every).filter((t) => t < to);
  const first = [...upTo(0, 300, 2), ...upTo(390, 900, 2)];
  const second = upTo(0, 900, 9);
  const kept = haDeduplicate([first, second]).map(({ replica, index }) => ({ replica, t: [first, second][replica][index] }));
  const switched = kept.findIndex((k) => k.replica === 1);
  expect(kept.slice(0, switched).every((k) => k.replica === 0)).toBe(true);
  expect(kept.slice(switched).every((k) => k.replica === 1)).toBe(true);
  const gap = kept[switched].t - kept[switched - 1].t;
  expect(gap).toBeGreaterThan(HA_FAILOVER_TIMEOUT);
  expect(gap).toBeLessThanOrEqual(HA_FAILOVER_TIMEOUT + every);
});

test("the month holds one series per long-range series, without the replica label, one sample per evaluation but at the failovers", () => {
  const end = 1_780_000_000;
  const span = 2 * 86400;
  const month = longTermMonth(c, { end, span, peakRate: 40, seed: 1 });
  expect(month.series.map((s) => s.name).sort()).toEqual([...new Set(longRangePanelSeries(c))].sort());
  const every = seconds(c.prometheus.evaluationInterval);
  for (const s of month.series) {
    expect(s.labels).not.toHaveProperty(REPLICA_LABEL);
    expect(s.labels).toMatchObject({ environment: c.environment, cluster: c.cluster.name });
    expect(s.times[0]).toBeGreaterThanOrEqual(end - span);
    const gaps = s.times.slice(1).map((t, i) => t - s.times[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(HA_FAILOVER_TIMEOUT + 2 * every);
    expect(s.values.every(Number.isFinite)).toBe(true);
  }
});
