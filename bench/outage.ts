// npm run bench [-- --trials 5] [--repeat-trials 3] [--only single|repeat] [--repeat-timings prod,previous]
// Outage-to-page time on the local stack: a fault is injected into the simulated license API and the
// clock stops when the page reaches the PagerDuty stand-in. Every trial starts a fresh stack (no state
// carried over) and injects at a random moment within a scrape interval.
// - single: one outage per trial; this stack's prod timings and the ADR's run side by side; single
//   failed scrapes ("blips") are counted as flaps.
// - repeat: an outage, recovery, and a second outage of the same kind 30 to 90 s later (random); each
//   page is timed from its own fault, and the PagerDuty incidents the scenario opened are counted
//   (the design: one per outage, so 2). `--repeat-timings previous` replays the timings before the
//   repeat fix (critical group_interval 1m, no hold, Alertmanager's default peer timeout).
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
import { previousTimings, PREVIOUS_PEER_TIMEOUT } from "./previous-timings";

type Adjust = (c: StackConfig) => { config: StackConfig; rules?: RuleGroup[] };
interface Timings {
  adjust?: Adjust;
  peerTimeout?: string;
  timeoutMs: number;
}
const CONFIGS: Record<string, Timings> = {
  prod: { timeoutMs: 120_000 },
  adr: { adjust: adrTimings, timeoutMs: 180_000 },
  previous: { adjust: previousTimings, peerTimeout: PREVIOUS_PEER_TIMEOUT, timeoutMs: 120_000 },
};
const MODES: Fault[] = ["exit", "hang", "vanish"];
const BLIPS = 5;
// Farther apart than any config's evaluation interval plus `for:` (the ADR's 60 s + 1m), so two blips
// can never look like one sustained failure to a rule that evaluates rarely.
const BLIP_SPACING_MS = 150_000;
/** The issue's bound for every prod page, first or repeated; the ADR's is 60 s. */
const GOAL_SECONDS = 30;
/** Incidents a repeat scenario must open: one per outage. */
const DESIGNED_INCIDENTS = 2;
/** An outage lasts this long after its page before the API recovers: both signals have fired by then. */
const OUTAGE_AFTER_PAGE_MS = 30_000;
/** After the last recovery: long enough for the resolve, and for any stray trigger after it. */
const SETTLE_MS = 60_000;

const argv = process.argv.slice(2);
const trials = Number(flag(argv, "trials") ?? 5);
const repeatTrials = Number(flag(argv, "repeat-trials") ?? 3);
const only = flag(argv, "only");
const repeatTimings = (flag(argv, "repeat-timings") ?? "prod").split(",");
for (const t of repeatTimings) if (!(t in CONFIGS)) throw new Error(`--repeat-timings: unknown timings ${t} (${Object.keys(CONFIGS).join(", ")})`);
if (only && !["single", "repeat"].includes(only)) throw new Error("--only takes single or repeat");

/** A trigger for APIServerDown at the PagerDuty stand-in that opened an incident: someone is paged. */
const isPage = (since: number) => (d: Delivery) => d.receiver === "pagerduty" && d.status === "firing" && d.alerts.includes("APIServerDown") && d.at >= since && d.opened === true;
/** Any trigger for APIServerDown: a page if it opened an incident, an update if it joined an open one. */
const isTrigger = (since: number) => (d: Delivery) => d.receiver === "pagerduty" && d.status === "firing" && d.alerts.includes("APIServerDown") && d.at >= since;
const isResolve = (since: number) => (d: Delivery) => d.receiver === "pagerduty" && d.status === "resolved" && d.alerts.includes("APIServerDown") && d.at >= since;
const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);

function stack(name: string, basePort: number, timings: Timings) {
  return new LocalStack({ stack: "prod", basePort, adjust: timings.adjust, peerTimeout: timings.peerTimeout, workDir: path.join(os.tmpdir(), `coditect-bench-${name}-${process.pid}`) });
}

async function outageTrials(config: string, mode: Fault, basePort: number): Promise<(number | null)[]> {
  const results: (number | null)[] = [];
  for (let i = 0; i < trials; i++) {
    const local = stack(`${config}-${mode}`, basePort, CONFIGS[config]);
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

interface RepeatResult {
  /** Seconds from each fault to the first PagerDuty trigger after it. */
  first: number | null;
  second: number | null;
  /** The second trigger opened a new incident (a page) rather than joining an open one. */
  secondOpened: boolean;
  /** Seconds from the recovery to the second fault. */
  gap: number;
  /** PagerDuty incidents the scenario opened for APIServerDown (the design: one per outage). */
  incidents: number;
  /** Incidents other alerts opened meanwhile (an error-budget burn, say), by alert name. */
  others: string[];
  /** What PagerDuty received, in order, for the record: t (s from the first fault), event, incident. */
  events: string[];
}

/** Outage, recovery, the same outage again 30 to 90 s later; both pages timed, incidents counted. */
async function repeatTrialsOf(config: string, mode: Fault, basePort: number): Promise<RepeatResult[]> {
  const results: RepeatResult[] = [];
  const timeout = CONFIGS[config].timeoutMs;
  for (let i = 0; i < repeatTrials; i++) {
    // A folder per scenario: its deliveries.jsonl and logs stay for a look afterwards.
    const local = stack(`repeat-${config}-${mode}-${i + 1}`, basePort, CONFIGS[config]);
    try {
      await local.start();
      await local.ready(180_000);
      await sleep(Math.random() * 15_000);
      const firstFault = Date.now();
      await local.fault(mode);
      const firstPage = await local.waitForDelivery(isTrigger(firstFault), firstFault, timeout);
      await sleep(OUTAGE_AFTER_PAGE_MS);
      await local.fault("recover");
      const gap = 30 + Math.random() * 60;
      await sleep(gap * 1000);
      const secondFault = Date.now();
      await local.fault(mode);
      // The first trigger after the second fault: it opens a new incident, or (when the first outage's
      // incident was never resolved) joins it and pages nobody; the incident count tells which.
      const secondPage = await local.waitForDelivery(isTrigger(secondFault), secondFault, timeout);
      await sleep(OUTAGE_AFTER_PAGE_MS);
      const recovered = Date.now();
      await local.fault("recover");
      await local.waitForDelivery(isResolve(recovered), recovered, timeout);
      await sleep(SETTLE_MS);
      const pagerduty = local.receivers.deliveries.filter((d) => d.receiver === "pagerduty" && d.at >= firstFault);
      const opened = local.receivers.incidentsOpenedSince(firstFault);
      const result: RepeatResult = {
        first: firstPage ? (firstPage.at - firstFault) / 1000 : null,
        second: secondPage ? (secondPage.at - secondFault) / 1000 : null,
        secondOpened: secondPage?.opened === true,
        gap,
        incidents: opened.filter((i) => i.alerts.includes("APIServerDown")).length,
        others: opened.filter((i) => !i.alerts.includes("APIServerDown")).map((i) => i.alerts.join("+")),
        events: pagerduty.map((d) => `${((d.at - firstFault) / 1000).toFixed(1)}s ${d.alerts.join("+")} ${d.opened ? "open" : d.status === "firing" ? "update" : "resolve"} #${d.incident ?? "-"}`),
      };
      results.push(result);
      log(
        `${config} ${mode} repeat ${i + 1}/${repeatTrials}: first page ${fmt(result.first)}, second outage ${gap.toFixed(0)} s after recovery, ${result.secondOpened ? "paged" : "triggered (joining the open incident)"} in ${fmt(result.second)}; ` +
          `${result.incidents} APIServerDown incident(s)${result.others.length ? `, others: ${result.others.join(", ")}` : ""} [${result.events.join(", ")}]`,
      );
    } finally {
      await local.stop();
    }
  }
  return results;
}

/** Single failed scrapes and probes, spaced out; any page they cause is a flap. */
async function flaps(config: string, basePort: number): Promise<number> {
  const local = stack(`${config}-blip`, basePort, CONFIGS[config]);
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
  return { trials: xs.length, paged: paged.length, min: paged[0] ?? null, median, max: paged.at(-1) ?? null, withinGoal: paged.filter((x) => x <= GOAL_SECONDS).length };
};
function fmt(x: number | null) {
  return x === null ? "—" : `${x.toFixed(1)} s`;
}
/** "ErrorBudgetBurn × 2" from a list of alert names; "none" for none. */
const summarise = (names: string[]) => {
  if (names.length === 0) return "none";
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].map(([n, k]) => `${n} × ${k}`).join(", ");
};
const range = (s: ReturnType<typeof stats>) => (s.paged === 0 ? "—" : `${fmt(s.min)} / ${fmt(s.median)} / ${fmt(s.max)}`);

async function main() {
  const singles = only === "repeat" ? [] : ["prod", "adr"].flatMap((config, c) => MODES.map((mode, m) => ({ config, mode, basePort: 31000 + (c * MODES.length + m) * 100 })));
  const repeats = only === "single" ? [] : repeatTimings.flatMap((config, c) => MODES.map((mode, m) => ({ config, mode, basePort: 32000 + (c * MODES.length + m) * 100 })));
  const blips = only === "repeat" ? [] : ["prod", "adr"].map((config, c) => ({ config, basePort: 33000 + c * 100 }));
  // Every local stack running at once listens for this process's exit, to take its children with it.
  process.setMaxListeners(singles.length + repeats.length + blips.length + 10);
  log(`benchmark: ${singles.length ? `${trials} single-outage trials per fault mode and config` : "no single outages"}, ${repeats.length ? `${repeatTrials} repeat scenarios per fault mode (${repeatTimings.join(", ")})` : "no repeat scenarios"}; all side by side`);
  const [outages, repeated, flapCounts] = await Promise.all([
    Promise.all(singles.map(async (s) => ({ ...s, results: await outageTrials(s.config, s.mode, s.basePort) }))),
    Promise.all(repeats.map(async (s) => ({ ...s, results: await repeatTrialsOf(s.config, s.mode, s.basePort) }))),
    Promise.all(blips.map(async (b) => ({ config: b.config, pages: await flaps(b.config, b.basePort) }))),
  ]);

  const rows = outages.map((o) => ({ config: o.config, mode: o.mode, ...stats(o.results), results: o.results }));
  const repeatRows = repeated.map((r) => {
    const first = stats(r.results.map((x) => x.first));
    const second = stats(r.results.map((x) => x.second));
    const incidents = r.results.map((x) => x.incidents);
    const others = r.results.flatMap((x) => x.others);
    return { config: r.config, mode: r.mode, first, second, incidents, others, results: r.results };
  });
  const tables: string[] = [];
  if (rows.length) {
    tables.push(
      `| fault | timings | pages / trials | min | median | max | ≤ ${GOAL_SECONDS} s |`,
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...rows.map((r) => `| ${r.mode} | ${r.config} | ${r.paged} / ${r.trials} | ${fmt(r.min)} | ${fmt(r.median)} | ${fmt(r.max)} | ${r.withinGoal} / ${r.trials} |`),
      "",
    );
  }
  if (repeatRows.length) {
    tables.push(
      `| fault, repeated | timings | scenarios | first page min / median / max | second page min / median / max | pages ≤ ${GOAL_SECONDS} s | APIServerDown incidents per scenario | other incidents |`,
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      ...repeatRows.map(
        (r) =>
          `| ${r.mode} | ${r.config} | ${r.incidents.length} | ${range(r.first)} | ${range(r.second)} | ${r.first.withinGoal + r.second.withinGoal} / ${2 * r.incidents.length} | ${r.incidents.join(", ")} | ${summarise(r.others)} |`,
      ),
      "",
    );
  }
  if (flapCounts.length) {
    tables.push("| timings | single failed scrapes | pages caused (flaps) |", "| --- | --- | --- |", ...flapCounts.map((f) => `| ${f.config} | ${BLIPS} | ${f.pages} |`));
  }
  console.log(`\n${tables.join("\n")}\n`);

  const out = path.join(PROJECT_ROOT, ".local", "bench", "outage.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), trials, repeatTrials, rows, repeat: repeatRows, flaps: flapCounts }, null, 2)}\n`);
  log(`results written to ${path.relative(PROJECT_ROOT, out)}`);
  const failures = [
    ...rows.filter((r) => r.config === "prod" && r.withinGoal < r.trials).map((r) => `prod ${r.mode}: ${r.trials - r.withinGoal} page(s) missed ${GOAL_SECONDS} s`),
    ...repeatRows
      .filter((r) => r.config === "prod")
      .flatMap((r) => [
        ...(r.first.withinGoal + r.second.withinGoal < 2 * r.incidents.length ? [`prod ${r.mode} repeated: a page missed ${GOAL_SECONDS} s`] : []),
        ...(r.incidents.some((n) => n !== DESIGNED_INCIDENTS) ? [`prod ${r.mode} repeated: ${r.incidents.join(", ")} incidents where ${DESIGNED_INCIDENTS} are designed`] : []),
      ]),
    ...flapCounts.filter((f) => f.config === "prod" && f.pages > 0).map((f) => `prod: ${f.pages} page(s) from single failed scrapes`),
  ];
  for (const f of failures) log(`FAIL ${f}`);
  process.exit(failures.length ? 1 : 0);
}

process.on("SIGINT", () => process.exit(130));
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
