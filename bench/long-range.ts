// npm run bench:long-range [-- --runs 5] [--width 2000]
// What the SLO dashboard's long-range panels cost the long-term store: a month and the chart's range of
// the series they read (bench/long-term-month.ts: prod's two replicas as Mimir's HA tracker keeps them,
// staging's beside them, as in the one store both environments write to) is backfilled into a real
// Prometheus with `promtool tsdb create-blocks-from openmetrics`, in blocks of at most a day as Mimir's
// compactor leaves them. Then each query of a panel on the long-term data source is sent as Grafana
// sends it at the dashboard's default range (bench/grafana-request.ts; the dashboard --width pixels
// wide, so a half-width panel is about a thousand): once with `stats=all` for the samples it touches,
// then --runs times timed, and all of a panel's queries at once, as Grafana sends them. It prints a table
// per panel and the queries' worst figures against Grafana Cloud's and Mimir's query limits
// (bench/query-limits.ts), and writes .local/bench/long-range.json. Timings are reported, not asserted.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { DASHBOARD_BUILDERS, dataSources, timeIntervals } from "../dashboards";
import { duration, seconds } from "../lib/duration";
import { PROJECT_ROOT } from "../lib/stack-file";
import { flag } from "../local/cli-args";
import { loadLocalConfig } from "../local/stack";
import { BackfilledPrometheus } from "../test/backfilled-prometheus";
import { parsePromql } from "../test/grafana/promql";
import { defaultRangeSeconds, panelRequests, type PanelRequest } from "./grafana-request";
import { longTermMonth, writeOpenMetrics } from "./long-term-month";
import { QUERY_LIMITS, SAMPLES_PER_CHUNK } from "./query-limits";

const PORT = 30500;
/** Mimir's compactor leaves blocks of a day; promtool and Prometheus cut at the largest of their 2h×3ⁿ ranges within it. */
const MAX_BLOCK = "24h";

const argv = process.argv.slice(2);
const runs = Number(flag(argv, "runs") ?? 5);
const width = Number(flag(argv, "width") ?? 2000);
if (!(Number.isInteger(runs) && runs > 0)) throw new Error("--runs must be a whole number above 0");
if (!(width > 0)) throw new Error("--width must be a number of pixels");
const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);

interface Stats {
  resultSeries: number;
  touched: number;
  peak: number;
}

interface Measured {
  request: PanelRequest;
  /** Seconds of samples the query reads: its range, plus its longest range selector or the lookback. */
  reads: number;
  /** Samples its selectors fetch from the store over what it reads. */
  fetched: number;
  stats: Stats;
  /** Wall time of each timed run (ms). */
  times: number[];
}

async function api(prometheus: BackfilledPrometheus, endpoint: "query" | "query_range", params: Record<string, string>) {
  // Grafana's data sources here send queries as POST (components/grafana.ts, httpMethod).
  const res = await fetch(`${prometheus.url}/api/v1/${endpoint}`, { method: "POST", body: new URLSearchParams(params) });
  const body = (await res.json()) as { status: string; error?: string; data: { result: unknown[]; stats?: { samples: { totalQueryableSamples: number; peakSamples: number } } } };
  if (body.status !== "success") throw new Error(`${endpoint} ${params.query}: ${body.error}`);
  return body.data;
}

const paramsOf = (r: PanelRequest): [endpoint: "query" | "query_range", params: Record<string, string>] =>
  r.kind === "range" ? ["query_range", { query: r.expr, start: String(r.start), end: String(r.end), step: String(r.step) }] : ["query", { query: r.expr, time: String(r.end) }];

const readsOf = (r: PanelRequest) => {
  const windows = [...r.expr.matchAll(/\[(\d+[smhdwy])\]/g)].map((m) => seconds(m[1]));
  return r.end - r.start + (windows.length ? Math.max(...windows) : QUERY_LIMITS.lookback.seconds);
};

async function measure(prometheus: BackfilledPrometheus, request: PanelRequest): Promise<Measured> {
  const [endpoint, params] = paramsOf(request);
  const data = await api(prometheus, endpoint, { ...params, stats: "all" });
  if (data.result.length === 0) throw new Error(`panel ${request.panelId} ${request.refId} answered nothing from the backfilled month: ${request.expr}`);
  const reads = readsOf(request);
  // What the store hands the engine: every sample of each selector's series over what the query reads.
  let fetched = 0;
  for (const s of parsePromql(request.expr).selectors) {
    const selector = request.expr.slice(s.node.from, s.node.to);
    const counts = await api(prometheus, "query", { query: `sum(count_over_time(${selector}[${duration(reads)}]))`, time: String(request.end) });
    fetched += Number((counts.result[0] as { value?: [number, string] } | undefined)?.value?.[1] ?? 0);
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await api(prometheus, endpoint, params);
    times.push(performance.now() - t0);
  }
  const samples = data.stats!.samples;
  return { request, reads, fetched, stats: { resultSeries: data.result.length, touched: samples.totalQueryableSamples, peak: samples.peakSamples }, times };
}

/** Wall time (ms) of sending all of a panel's queries at once, as Grafana does, until the last answers. */
async function atOnce(prometheus: BackfilledPrometheus, requests: PanelRequest[]): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await Promise.all(requests.map((r) => api(prometheus, ...paramsOf(r))));
    times.push(performance.now() - t0);
  }
  return times;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
const count = (x: number) => Math.round(x).toLocaleString("en");
const hoursOf = (x: number) => (x < 10 ? x.toFixed(1) : count(x));
const hours = (s: number) => duration(s).replace(/(\d)([dhms])/g, "$1 $2 ").trim();
const code = (s: string) => `\`${s.replace(/\|/g, "\\|")}\``;

function panelTable(panel: Measured[], together: number[]): string {
  const r = panel[0].request;
  const what = r.kind === "range" ? `range query, ${hours(r.end - r.start)} every ${r.step} s (${count((r.end - r.start) / r.step + 1)} points; ${count(r.maxDataPoints)} px)` : "instant query";
  const rows = panel.map(
    (m) => `| ${m.request.legend} | ${code(m.request.expr)} | ${hours(m.reads)} | ${count(m.fetched)} | ${count(m.stats.touched)} | ${count(m.stats.peak)} | ${ms(median(m.times))} | ${ms(Math.max(...m.times))} |`,
  );
  const sum = (f: (m: Measured) => number) => panel.reduce((a, m) => a + f(m), 0);
  if (panel.length > 1) rows.push(`| all ${panel.length} at once | | | ${count(sum((m) => m.fetched))} | ${count(sum((m) => m.stats.touched))} | | ${ms(median(together))} | ${ms(Math.max(...together))} |`);
  return [
    `#### Panel ${r.panelId}: ${r.title} (${what})`,
    "",
    "| legend | query | reads | samples fetched | samples touched | peak samples | median | max |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function limitsTable(measured: Measured[], refreshSeconds: number, billableSeries: number): string {
  const worst = (f: (m: Measured) => number) => measured.reduce((a, b) => (f(b) > f(a) ? b : a));
  const name = (m: Measured) => `panel ${m.request.panelId} "${m.request.legend}"`;
  const L = QUERY_LIMITS;
  const longest = worst((m) => m.reads);
  const chunks = worst((m) => m.fetched);
  const peak = worst((m) => m.stats.peak);
  const slowest = worst((m) => Math.max(...m.times));
  const perLoad = measured.reduce((a, m) => a + m.stats.touched, 0);
  const allowance = (L.fairUseUnitsPer1000Series.value * billableSeries) / 1000;
  const perHour = (perLoad * 3600) / refreshSeconds;
  return [
    "| limit | value | the long-range queries' worst | source |",
    "| --- | --- | --- | --- |",
    `| ${L.maxPartialQueryLength.name} | ${L.maxPartialQueryLength.seconds / 3600} h | reads ${hours(longest.reads)} (${(longest.reads / 3600).toFixed(1)} h): ${name(longest)} | ${L.maxPartialQueryLength.source} |`,
    `| ${L.maxFetchedChunksPerQuery.name} | ${count(L.maxFetchedChunksPerQuery.value)} | ≈ ${count(Math.ceil(chunks.fetched / SAMPLES_PER_CHUNK))} chunks (${count(chunks.fetched)} samples fetched / ${SAMPLES_PER_CHUNK}): ${name(chunks)} | ${L.maxFetchedChunksPerQuery.source} |`,
    `| ${L.maxSamples.name} (peak samples) | ${count(L.maxSamples.value)} | ${count(peak.stats.peak)}: ${name(peak)} | ${L.maxSamples.source} |`,
    `| ${L.timeout.name} | ${L.timeout.seconds} s | ${ms(Math.max(...slowest.times))}: ${name(slowest)} | ${L.timeout.source} |`,
    `| ${L.fairUseUnitsPer1000Series.name} | ${count(L.fairUseUnitsPer1000Series.value)} a month per 1,000 billable series: ${count(allowance)} for ${count(billableSeries)} | one load of the panels touches ${count(perLoad)} samples; open at the ${refreshSeconds} s refresh, ${count(perHour)} an hour: the month's allowance in ${hoursOf(allowance / perHour)} h | ${L.fairUseUnitsPer1000Series.source} |`,
  ].join("\n");
}

async function main() {
  const c = loadLocalConfig("prod");
  const staging = loadLocalConfig("staging");
  const end = Math.floor(Date.now() / 1000 / 3600) * 3600;
  const model = DASHBOARD_BUILDERS.slo(c);
  const requests = panelRequests(model, dataSources(c).longTerm.uid, timeIntervals(c).longTerm, end, width);
  if (requests.length === 0) throw new Error("the SLO dashboard has no panel on the long-term data source");
  // The store holds the SLO window before the chart's range (what a panel counting over the window at
  // every step reads), or more if a query reads more, and an hour besides.
  const span = Math.max(seconds(c.slo.window) + defaultRangeSeconds(model), ...requests.map((r) => end - (r.end - readsOf(r)))) + 3600;
  const month = [longTermMonth(c, { end, span, peakRate: 40, seed: 1 }), longTermMonth(staging, { end, span, peakRate: 2, seed: 2 })];
  for (const line of month.flatMap((m) => m.events)) log(line);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-long-range-"));
  const prometheus = new BackfilledPrometheus(PORT);
  try {
    const samples = writeOpenMetrics(path.join(dir, "month.om"), month.flatMap((m) => m.series));
    log(`${count(samples)} samples in ${month.reduce((a, m) => a + m.series.length, 0)} series, ${hours(span)} to ${new Date(end * 1000).toISOString()}; backfilling`);
    const t0 = performance.now();
    await prometheus.start(dir, "month.om", [`--max-block-duration=${MAX_BLOCK}`], [`--storage.tsdb.max-block-duration=${MAX_BLOCK}`]);
    const blocks = fs.readdirSync(path.join(dir, "tsdb")).filter((d) => /^[0-9A-Z]{26}$/.test(d)).length;
    log(`backfilled and serving in ${ms(performance.now() - t0)}: ${blocks} blocks`);

    const measured: Measured[] = [];
    for (const r of requests) {
      measured.push(await measure(prometheus, r));
      log(`panel ${r.panelId} ${r.refId} (${r.legend}): measured`);
    }
    const panels = [...new Set(requests.map((r) => r.panelId))];
    const tables: string[] = [];
    for (const id of panels) {
      const panel = measured.filter((m) => m.request.panelId === id);
      tables.push(panelTable(panel, panel.length > 1 ? await atOnce(prometheus, panel.map((m) => m.request)) : []));
    }
    const every = seconds(c.prometheus.evaluationInterval);
    // The store bills DPM once they pass one per series (docs/grafana.md): each series it is sent is billed 60 / interval times.
    const billable = c.longTermMetrics.expectedSeries * (60 / every);
    console.log(
      [
        "",
        `Measured: samples fetched, touched and peak (Prometheus' stats=all), and times (wall time of the HTTP request, ${runs} runs). Derived: what each query reads, chunks, the allowance.`,
        "",
        ...tables.flatMap((t) => [t, ""]),
        limitsTable(measured, seconds(String(model.refresh)), billable),
        "",
      ].join("\n"),
    );
    const out = path.join(PROJECT_ROOT, ".local", "bench", "long-range.json");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), end, span, width, runs, events: month.flatMap((m) => m.events), samples, blocks, measured }, null, 2)}\n`);
    log(`results written to ${path.relative(PROJECT_ROOT, out)}`);
  } finally {
    await prometheus.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

process.on("SIGINT", () => process.exit(130));
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
