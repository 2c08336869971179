// Each license's seat gauges as PromQL, for the rules that alert on them and the panels that draw one
// license: computed where they are read, never recorded per license (a recording would write a series
// per license at every evaluation). Below the rules and the dashboards, so both read the same thing.
//
// Under the metric contract the seats exporter is their one source: one series per license, with the
// utilisation of the seats the API enforces for it already computed, so no rule joins or aggregates
// every license. An API still exporting ADR-019's labels reports `active_sessions` on every replica and
// no seat limit: its branch takes the busiest replica's count over the configured limit. Each
// expression is the union of both branches; the branch of the scheme not in use selects nothing and
// costs nothing.
import type { StackConfig } from "../config";
import { seconds } from "./duration";
import { PER_LICENSE, selectors } from "./identities";

/** Narrows the series to some licenses: a matcher on the contract's `license_id`, one on ADR-019's `license_key`. */
export interface LicenseFilter {
  contract: string;
  adr: string;
}

const UTILISATION = "license_seat_utilisation_ratio";
const SESSIONS = "active_sessions";

/** Each expression comes in parentheses: one operand wherever it is put. */
export function seatSeries(c: StackConfig, filter?: LicenseFilter) {
  const { api, seats: source } = selectors(c);
  const seats = filter ? `${source}, ${filter.contract}` : source;
  const replicas = filter ? `${api}, ${filter.adr}` : api;
  const limit = c.licenseApi.seatLimit;
  const f = c.alerts.forecast;
  const horizon = seconds(f.horizon);
  const adrSessions = `max by (${PER_LICENSE}) (${SESSIONS}{${replicas}})`;
  // The seats exporter's samples bridge a restart of its one pod: a range selector skips the staleness
  // markers written when the old pod leaves, so a held alert does not reset before the new one is
  // scraped (docs/metrics.md asks for at most one missed scrape).
  const held = `${3 * seconds(c.licenseApi.seats.scrapeInterval)}s`;
  // A license is forecast once its samples span half the lookback, the bar the container forecasts set
  // (rules/infrastructure.ts): predict_linear over a few minutes of a new license, or of a Prometheus
  // started on an empty volume, extrapolates a short ramp over a horizon many times its length.
  const scraped = Math.floor(seconds(f.lookback) / 2 / seconds(c.licenseApi.seats.scrapeInterval));
  const evaluated = Math.ceil(seconds(f.lookback) / 2 / seconds(f.evaluationInterval)) + 1;
  const adrTrend = `(${adrSessions})[${f.lookback}:${f.evaluationInterval}]`;
  return {
    /** Each license's sessions in use. */
    sessions: `(${SESSIONS}{${seats}} or ${adrSessions})`,
    /** Each license's share of its seats in use. */
    utilisation: `(${UTILISATION}{${seats}} or ${adrSessions} / ${limit})`,
    /** The licenses using more than `share` of their seats, with that share. */
    utilisationAbove: (share: number) => `(${UTILISATION}{${seats}} > ${share} or ${adrSessions} / ${limit} > ${share})`,
    /** The same, one series per license, held over a restart of the seats exporter: what alerts read. */
    heldAbove: (share: number) =>
      `(max by (${PER_LICENSE}) (last_over_time(${UTILISATION}{${seats}}[${held}]) > ${share}) or ${adrSessions} / ${limit} > ${share})`,
    /**
     * The share of its seats each license uses at the end of the horizon, at the trend of the lookback;
     * none for a license whose samples span less than half the lookback. ADR-019's per-replica series
     * change with every pod: their trend is the busiest replica's, sampled once per forecast interval.
     */
    forecast: `(predict_linear(${UTILISATION}{${seats}}[${f.lookback}], ${horizon})
       and count_over_time(${UTILISATION}{${seats}}[${f.lookback}]) >= ${scraped}
       or predict_linear(${adrTrend}, ${horizon}) / ${limit}
       and count_over_time(${adrTrend}) >= ${evaluated})`,
  };
}
