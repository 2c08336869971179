// npm run bench:seat-forecast [-- --licenses 10000] [--runs 5]
// What the seat forecast group costs on a Prometheus that holds its whole lookback, which the scale
// benchmark's fresh Prometheus does not: --licenses licenses' seats exporter series over the prod
// lookback (6 h, one sample a minute as the exporter is scraped) are backfilled into a real
// Prometheus with `promtool tsdb create-blocks-from openmetrics`, then each rule of the group
// (`rules/seat-forecast.ts`, as rendered for prod) is run as an instant query at the end of that
// window, once with `stats=all` for the samples it touches and peaks at, then --runs times timed. It
// prints a table; the group's evaluation is the sum of its rules. Timings are reported, not asserted.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { seconds } from "../lib/duration";
import { seatsJob } from "../lib/identities";
import { flag } from "../local/cli-args";
import { loadLocalConfig } from "../local/stack";
import { seatForecastRules } from "../rules/seat-forecast";
import { BackfilledPrometheus } from "../test/backfilled-prometheus";
import { licenses } from "./synthetic-api";

const PORT = 30520;
const argv = process.argv.slice(2);
const count = Number(flag(argv, "licenses") ?? 10_000);
const runs = Number(flag(argv, "runs") ?? 5);
if (!(Number.isInteger(count) && count > 0)) throw new Error("--licenses must be a whole number above 0");
if (!(Number.isInteger(runs) && runs > 0)) throw new Error("--runs must be a whole number above 0");

const c = loadLocalConfig("prod");
const lookback = seconds(c.alerts.forecast.lookback);
const step = seconds(c.licenseApi.seats.scrapeInterval);
const END = 1_790_000_000;
const START = END - lookback;

/** Each license's sessions over the lookback: flat, slowly rising or falling, from a fifth to four fifths of its seats. */
function writeOpenMetrics(file: string): number {
  const out = fs.openSync(file, "w");
  const target = `job="${seatsJob(c)}",instance="${c.licenseApi.seats.service}"`;
  let samples = 0;
  for (const metric of ["license_seat_utilisation_ratio", "active_sessions"]) {
    fs.writeSync(out, `# TYPE ${metric} gauge\n`);
    licenses(count).forEach((l, i) => {
      const lines: string[] = [];
      const start = 0.2 + (i % 4) * 0.15;
      const slope = ((i % 3) - 1) * 0.1;
      for (let t = START; t <= END; t += step) {
        const share = start + (slope * (t - START)) / lookback;
        const value = metric === "active_sessions" ? Math.round(share * l.seats) : Math.round(share * l.seats) / l.seats;
        lines.push(`${metric}{${target},license_id="${l.license_id}",tenant_id="${l.tenant_id}"} ${value} ${t}`);
      }
      samples += lines.length;
      fs.writeSync(out, `${lines.join("\n")}\n`);
    });
  }
  fs.writeSync(out, "# EOF\n");
  fs.closeSync(out);
  return samples;
}

async function query(prometheus: BackfilledPrometheus, expr: string, stats: boolean) {
  const params = new URLSearchParams({ query: expr, time: String(END), ...(stats ? { stats: "all" } : {}) });
  const res = await fetch(`${prometheus.url}/api/v1/query`, { method: "POST", body: params });
  const body = (await res.json()) as { status: string; error?: string; data: { result: unknown[]; stats?: { samples: { totalQueryableSamples: number; peakSamples: number } } } };
  if (body.status !== "success") throw new Error(`${expr}: ${body.error}`);
  return body.data;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-seat-forecast-"));
  const prometheus = new BackfilledPrometheus(PORT);
  try {
    const written = writeOpenMetrics(path.join(dir, "seats.om"));
    console.log(`${count.toLocaleString("en")} licenses, ${written.toLocaleString("en")} samples over ${c.alerts.forecast.lookback}; backfilling`);
    // Prometheus's default query limits, which rule evaluation shares (--query.max-samples 50M).
    await prometheus.start(dir, "seats.om", ["--max-block-duration=24h"]);
    const rows: string[] = [];
    let total = 0;
    for (const rule of seatForecastRules(c).rules) {
      const name = "alert" in rule ? rule.alert : rule.record;
      const { stats, result } = await query(prometheus, rule.expr, true);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await query(prometheus, rule.expr, false);
        times.push(performance.now() - t0);
      }
      const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
      total += median;
      rows.push(`| ${name} | ${result.length.toLocaleString("en")} | ${stats!.samples.totalQueryableSamples.toLocaleString("en")} | ${stats!.samples.peakSamples.toLocaleString("en")} | ${(median / 1000).toFixed(2)} s | ${(Math.max(...times) / 1000).toFixed(2)} s |`);
    }
    console.log(
      [
        `\nSeat forecast group at ${count.toLocaleString("en")} licenses with a full ${c.alerts.forecast.lookback} lookback (${runs} runs each; evaluated every ${c.alerts.forecast.evaluationInterval}):\n`,
        "| rule | result series | samples touched | peak samples | median | max |",
        "| --- | --- | --- | --- | --- | --- |",
        ...rows,
        `| the group (sum of medians) | | | | ${(total / 1000).toFixed(2)} s (${((total / 1000 / seconds(c.alerts.forecast.evaluationInterval)) * 100).toFixed(1)} % of its interval) | |`,
      ].join("\n"),
    );
  } finally {
    await prometheus.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
