// npm run bench [-- --trials 5]
// Outage-to-page time on the local stack: a fault is injected into the simulated license API and the
// clock stops when the page reaches the PagerDuty stand-in. Every trial starts a fresh stack (no state
// carried over) and injects at a random moment within a scrape interval. This stack's prod timings and
// the ADR's timings run side by side; single failed scrapes ("blips") are counted as flaps.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { StackConfig } from "../config";
import { PROJECT_ROOT } from "../lib/stack-file";
import { adrTimings } from "../local/adr-timings";
import { flag } from "../local/cli-args";
import type { Fault } from "../local/faults";
import type { Delivery } from "../local/receivers";
import { LocalStack, sleep } from "../local/stack";
import type { RuleGroup } from "../rules";

type Adjust = (c: StackConfig) => { config: StackConfig; rules?: RuleGroup[] };
const CONFIGS: Record<string, { adjust?: Adjust; timeoutMs: number }> = {
  prod: { timeoutMs: 120_000 },
  adr: { adjust: adrTimings, timeoutMs: 180_000 },
};
const MODES: Fault[] = ["exit", "hang", "vanish"];
const BLIPS = 5;
// Farther apart than any config's evaluation interval plus `for:` (the ADR's 60 s + 1m), so two blips
// can never look like one sustained failure to a rule that evaluates rarely.
const BLIP_SPACING_MS = 150_000;

const trials = Number(flag(process.argv.slice(2), "trials") ?? 5);
const isPage = (since: number) => (d: Delivery) => d.receiver === "pagerduty" && d.status === "firing" && d.alerts.includes("APIServerDown") && d.at >= since;
const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);

function stack(name: string, basePort: number, adjust?: Adjust) {
  return new LocalStack({ stack: "prod", basePort, adjust, workDir: path.join(os.tmpdir(), `coditect-bench-${name}-${process.pid}`) });
}

async function outageTrials(config: string, mode: Fault, basePort: number): Promise<(number | null)[]> {
  const results: (number | null)[] = [];
  for (let i = 0; i < trials; i++) {
    const local = stack(`${config}-${mode}`, basePort, CONFIGS[config].adjust);
    try {
      await local.start();
      await local.ready(180_000);
      await sleep(Math.random() * 15_000);
      const since = Date.now();
      await local.fault(mode);
      const page = await local.waitForDelivery(isPage(since), since, CONFIGS[config].timeoutMs);
      const seconds = page ? (page.at - since) / 1000 : null;
      results.push(seconds);
      log(`${config} ${mode} trial ${i + 1}/${trials}: ${seconds === null ? `no page within ${CONFIGS[config].timeoutMs / 1000} s` : `${seconds.toFixed(1)} s`}`);
    } finally {
      await local.stop();
    }
  }
  return results;
}

/** Single failed scrapes and probes, spaced out; any page they cause is a flap. */
async function flaps(config: string, basePort: number): Promise<number> {
  const local = stack(`${config}-blip`, basePort, CONFIGS[config].adjust);
  try {
    await local.start();
    await local.ready(180_000);
    const since = Date.now();
    for (let i = 0; i < BLIPS; i++) {
      await local.fault("blip");
      await sleep(BLIP_SPACING_MS);
    }
    const pages = local.receivers.deliveries.filter(isPage(since)).length;
    log(`${config}: ${BLIPS} blips caused ${pages} page(s)`);
    return pages;
  } finally {
    await local.stop();
  }
}

const stats = (xs: (number | null)[]) => {
  const paged = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  const median = paged.length === 0 ? null : paged.length % 2 ? paged[(paged.length - 1) / 2] : (paged[paged.length / 2 - 1] + paged[paged.length / 2]) / 2;
  return { trials: xs.length, paged: paged.length, min: paged[0] ?? null, median, max: paged.at(-1) ?? null, withinGoal: paged.filter((x) => x <= 60).length };
};
const fmt = (x: number | null) => (x === null ? "—" : `${x.toFixed(1)} s`);

async function main() {
  log(`benchmark: ${trials} trials per fault mode and config, configs run side by side`);
  const series = Object.keys(CONFIGS).flatMap((config, c) => MODES.map((mode, m) => ({ config, mode, basePort: 31000 + (c * MODES.length + m) * 100 })));
  const [outages, flapCounts] = await Promise.all([
    Promise.all(series.map(async (s) => ({ ...s, results: await outageTrials(s.config, s.mode, s.basePort) }))),
    Promise.all(Object.keys(CONFIGS).map(async (config, c) => ({ config, pages: await flaps(config, 33000 + c * 100) }))),
  ]);

  const rows = outages.map((o) => ({ config: o.config, mode: o.mode, ...stats(o.results), results: o.results }));
  const table = [
    "| fault | timings | pages / trials | min | median | max | ≤ 60 s |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.mode} | ${r.config} | ${r.paged} / ${r.trials} | ${fmt(r.min)} | ${fmt(r.median)} | ${fmt(r.max)} | ${r.withinGoal} / ${r.trials} |`),
    "",
    "| timings | single failed scrapes | pages caused (flaps) |",
    "| --- | --- | --- |",
    ...flapCounts.map((f) => `| ${f.config} | ${BLIPS} | ${f.pages} |`),
  ].join("\n");
  console.log(`\n${table}\n`);

  const out = path.join(PROJECT_ROOT, ".local", "bench", "outage.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), trials, rows, flaps: flapCounts }, null, 2)}\n`);
  log(`results written to ${path.relative(PROJECT_ROOT, out)}`);
  const prodMiss = rows.some((r) => r.config === "prod" && r.withinGoal < r.trials) || flapCounts.some((f) => f.config === "prod" && f.pages > 0);
  process.exit(prodMiss ? 1 : 0);
}

process.on("SIGINT", () => process.exit(130));
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
