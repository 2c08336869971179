// Downtime is the API's, never the monitoring's, on the local stack with prod timings and both
// Prometheus replicas: one replica down for more than the lookback (5 minutes) and back on its
// volume, the other restarting briefly, one replica replaced by a fresh one on an empty volume, an
// API rollout, the blackbox exporter restarting: none of it pages, and no replica records the API as
// unavailable. Outages still count, to the evaluation: one that begins while a replica is down, one
// that begins while the blackbox exporter is down. The monthly report, merging both replicas' records,
// lists exactly those two outages as downtime.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { DateTime } from "luxon";
import { seconds } from "../../lib/duration";
import { SLI_SERIES } from "../../lib/identities";
import { PROJECT_ROOT } from "../../lib/stack-file";
import type { Report } from "../../report/compute";
import { LocalStack, sleep } from "../../local/stack";
import { stackForSuite } from "./suite-stack";

const local = new LocalStack({ stack: "prod", workDir: path.join(os.tmpdir(), `coditect-e2e-sla-${process.pid}`), basePort: 21090 });

/** Seconds since the epoch. */
const now = () => Date.now() / 1000;

/** A replica's SLI samples from `from` to `to`, as it recorded them. */
async function recorded(replica: number, from: number, to: number): Promise<[number, number][]> {
  const range = Math.ceil(to - from);
  const r = await fetch(`${local.urls.prometheus[replica]}/api/v1/query?${new URLSearchParams({ query: `${SLI_SERIES.unavailable}[${range}s]`, time: String(to) })}`);
  const body = (await r.json()) as { data: { result: { values: [number, string][] }[] } };
  return body.data.result.flatMap((s) => s.values.map(([t, v]) => [t, Number(v)] as [number, number]));
}

stackForSuite(local);

test("restarts, a lost replica, a fresh volume, a rollout and an exporter restart: no downtime, no page; outages during them: downtime to the evaluation, a page each", async () => {
  const started = now();
  const interval = seconds(local.config.prometheus.evaluationInterval);
  const outages: { from: number; to: number }[] = [];
  const outage = async (seconds_: number) => {
    const from = now();
    await local.fault("exit");
    await sleep(seconds_ * 1000);
    await local.recoverApi();
    outages.push({ from, to: now() });
  };

  // Replica 1 down for longer than the lookback; meanwhile a rollout, the blackbox exporter restarting,
  // and an outage replica 0 alone sees.
  await local.stopPrometheus(1);
  await sleep(30_000);
  await local.rollout();
  await local.stopBlackbox();
  await sleep(60_000);
  local.startBlackbox();
  await sleep(30_000);
  await outage(60);
  await sleep(Math.max(0, started + 5.5 * 60 - now()) * 1000);
  local.startPrometheus(1);
  await local.ready(120_000);
  // Replica 0 restarts briefly; then replica 1 is replaced by a fresh one on an empty volume.
  await local.stopPrometheus(0);
  await sleep(30_000);
  local.startPrometheus(0);
  await local.ready(120_000);
  await local.wipePrometheus(1);
  await local.ready(120_000);
  // An outage that begins while the blackbox exporter is down: the targets say it.
  await local.stopBlackbox();
  await sleep(10_000);
  await outage(60);
  local.startBlackbox();
  await local.ready(120_000);
  // Past the last resolve, and a burn-rate page's for:.
  await sleep(150_000);
  const ended = now();

  // Pages: one incident per outage, nothing else.
  const incidents = local.receivers.incidentsOpenedSince(started * 1000);
  expect(incidents.map((i) => [...new Set(i.alerts)])).toEqual([["APIServerDown"], ["APIServerDown"]]);
  expect(local.receivers.deliveries.filter((d) => d.at >= started * 1000 && d.receiver === "slack" && d.status === "firing")).toEqual([]);

  // What each replica recorded as unavailable lies within the outages (a probe and an evaluation late).
  const during = (t: number) => outages.some((o) => t >= o.from && t <= o.to + 2 * interval);
  for (const replica of [0, 1]) {
    const samples = await recorded(replica, started, ended);
    expect(samples.filter(([t, v]) => v === 1 && !during(t))).toEqual([]);
  }
  // Replica 0 saw both outages.
  const zero = await recorded(0, started, ended);
  for (const o of outages) expect(zero.some(([t, v]) => v === 1 && t >= o.from && t <= o.to + interval)).toBe(true);

  // The report, merging both replicas, lists the two outages as downtime and nothing else.
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-e2e-sla-report-"));
  const month = DateTime.utc().toFormat("yyyy-MM");
  await promisify(execFile)(
    path.join(PROJECT_ROOT, "node_modules/.bin/tsx"),
    ["report/cli.ts", "--stack", "prod", "--month", month, ...local.urls.prometheus.flatMap((u) => ["--prometheus", u]), "--out", out],
    { cwd: PROJECT_ROOT },
  );
  const report = JSON.parse(fs.readFileSync(path.join(out, `prod-${month}.json`), "utf8")) as Report;
  fs.rmSync(out, { recursive: true, force: true });
  const periods = report.downtime.filter((p) => p.end > started);
  expect(periods).toHaveLength(2);
  periods.forEach((p, i) => {
    expect(p.start).toBeGreaterThanOrEqual(outages[i].from - interval);
    expect(p.end).toBeLessThanOrEqual(outages[i].to + 2 * interval);
    expect(p.end - p.start).toBeGreaterThanOrEqual(45);
  });
  // Both replicas recorded throughout but for their own downtime, never both at once: nothing unobserved since the suite began.
  expect(report.unobserved.filter((p) => p.end > started + 60)).toEqual([]);

  // For the record: each event as staged, as the report counts it, and the incidents it opened.
  const opened = (from: number, to: number) => incidents.filter((i) => i.openedAt >= from * 1000 && i.openedAt < to * 1000).length;
  const outside = report.downtime.filter((p) => p.end > started && !outages.some((o) => p.start < o.to + 2 * interval && p.end > o.from - interval));
  console.log(
    [
      "| event | staged | reported downtime | incidents opened |",
      "| --- | --- | --- | --- |",
      ...outages.map((o, i) => `| outage ${i + 1} (${i === 0 ? "while replica 1 is down" : "while the blackbox exporter is down"}) | ${(o.to - o.from).toFixed(1)} s | ${periods[i].end - periods[i].start} s | ${opened(o.from, o.to + 60)} |`),
      `| the monitoring's own trouble (replica down 5.5 min, restart, fresh volume, rollout, exporter restarts) | — | ${outside.reduce((a, p) => a + p.end - p.start, 0)} s | ${incidents.length - outages.reduce((a, o) => a + opened(o.from, o.to + 60), 0)} |`,
    ].join("\n"),
  );
}, 1_200_000);
